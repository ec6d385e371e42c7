-- wrk script: POST gzip envelopes from BODY_DIR (BODY_COUNT files 00000.gz, 00001.gz, …, each
-- with its own event id; see bench/common.sh), rotating through them, with the DSN auth header
-- (AUTH). Each wrk thread starts at a different body.
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
    local dir, count = os.getenv("BODY_DIR"), tonumber(os.getenv("BODY_COUNT"))
    for i = 0, count - 1 do
        local file = assert(io.open(string.format("%s/%05d.gz", dir, i), "rb"))
        bodies[#bodies + 1] = file:read("*all")
        file:close()
    end
    next_body = ((thread_index or 0) * 7919) % #bodies
end

function request()
    next_body = next_body % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[next_body])
end
