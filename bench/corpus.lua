-- wrk script: POST gzip envelopes with the DSN auth header (AUTH), rotating through them, from
--   BODY_DIR: BODY_COUNT files 00000.gz, 00001.gz, … (see bench/common.sh); each wrk thread
--             starts at a different body; or
--   BODY_RECORDS: a file of records of a 4-byte big-endian length and a body (bench/make_envelope.py --count);
--             thread k of WRK_THREADS sends records k, k + WRK_THREADS, …, so no two requests of
--             a run repeat a body until a thread has sent its whole share (bench/burst.sh).
-- Each body has its own event id. BODY_RECORDS is checked first.
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

local function load_file(path, index, count)
    local file = assert(io.open(path, "rb"))
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
end

function init(args)
    local index = thread_index or 0
    if os.getenv("BODY_RECORDS") then
        load_file(os.getenv("BODY_RECORDS"), index, tonumber(os.getenv("WRK_THREADS") or "1"))
    else
        local dir, count = os.getenv("BODY_DIR"), tonumber(os.getenv("BODY_COUNT"))
        for i = 0, count - 1 do
            local file = assert(io.open(string.format("%s/%05d.gz", dir, i), "rb"))
            bodies[#bodies + 1] = file:read("*all")
            file:close()
        end
        next_body = (index * 7919) % #bodies
    end
    assert(#bodies > 0, "no bodies for this thread")
end

function request()
    next_body = next_body % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[next_body])
end
