-- wrk script: GET with `Authorization: Bearer $TOKEN`.
-- DEPTH=1 (default): always the path given on wrk's command line (the first page).
-- DEPTH=N > 1: walks pages by following the cursor of the `Link` header's rel="next" part
-- (Sentry's format: <url>; rel="next"; results="true"; cursor="…"), so it works whatever the
-- cursor encodes; after N pages, or when there is no next page, it starts again at page 1.
-- Each wrk thread has its own state; run one connection per thread (-tC -cC) so every chain of
-- pages is followed in order.
local token = os.getenv("TOKEN") or ""
local depth = tonumber(os.getenv("DEPTH") or "1")
local base, cursor, page = nil, nil, 1

function init(args)
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["Accept"] = "application/json"
    base = wrk.path
end

function request()
    local path = base
    if cursor then
        local separator = string.find(base, "?", 1, true) and "&" or "?"
        local encoded = string.gsub(cursor, "[^%w:._~-]", function(c) return string.format("%%%02X", string.byte(c)) end)
        path = base .. separator .. "cursor=" .. encoded
    end
    return wrk.format("GET", path)
end

if depth > 1 then
    function response(status, headers, body)
        local link = headers["Link"] or headers["link"] or ""
        local next_cursor = nil
        for part in string.gmatch(link, "<[^>]*>[^<]*") do
            if string.find(part, 'rel="next"', 1, true) and string.find(part, 'results="true"', 1, true) then
                next_cursor = string.match(part, 'cursor="([^"]+)"')
            end
        end
        if status == 200 and next_cursor and page < depth then
            cursor, page = next_cursor, page + 1
        else
            cursor, page = nil, 1
        end
    end
end
