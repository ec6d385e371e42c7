-- wrk script: POST the gzip envelopes of BODY_FILE (bench/make_envelope.py --count: records of a
-- 4-byte big-endian length and a body, each body with its own event id) with the DSN auth header
-- (AUTH). Thread k of WRK_THREADS sends records k, k + WRK_THREADS, … in turn, so no two requests
-- carry the same event id until a thread has sent its whole share (bench/burst.sh makes the file
-- large enough for a burst; a stored event is then one request answered 200).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-sentry-envelope"
wrk.headers["Content-Encoding"] = "gzip"
wrk.headers["X-Sentry-Auth"] = os.getenv("AUTH")

local threads = 0
function setup(thread)
    thread:set("thread_index", threads)
    threads = threads + 1
end

local bodies = {}
local next_body = 0
function init(args)
    local index, count = thread_index or 0, tonumber(os.getenv("WRK_THREADS") or "1")
    local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
    local data = file:read("*all")
    file:close()
    local at, record = 1, 0
    while at + 3 <= #data do
        local b1, b2, b3, b4 = data:byte(at, at + 3)
        local length = ((b1 * 256 + b2) * 256 + b3) * 256 + b4
        if record % count == index then bodies[#bodies + 1] = data:sub(at + 4, at + 3 + length) end
        at = at + 4 + length
        record = record + 1
    end
    assert(#bodies > 0, "no bodies in BODY_FILE for this thread")
end

function request()
    next_body = next_body % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[next_body])
end
