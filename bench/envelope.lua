-- wrk script: POST the same gzip envelope (BODY_FILE) with the DSN auth header (AUTH).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-sentry-envelope"
wrk.headers["Content-Encoding"] = "gzip"
wrk.headers["X-Sentry-Auth"] = os.getenv("AUTH")
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = file:read("*all")
file:close()
