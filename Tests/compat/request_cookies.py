"""Reference cookies of a request, from the real sentry-relay package.

For each case (a raw `request`) prints one JSON object:
`{"cases": [{"name", "safeFields", "request", "normalized", "scrubbed"}]}` where `normalized` is
`StoreNormalizer.normalize_event`'s `request.cookies`, `request.headers` and `_meta.request.cookies`,
and `scrubbed` the same after `pii_strip_event` with Sentry's default data scrubbing (and the
case's safe fields).
CookieNormalizationTests runs Faultline's `RequestNormalization` and `EventScrubber` on each
`request` and compares; the recorded copy (`--write`) is Tests/compat/request_cookies.json.
"""
import json
import sys

from sentry_relay.processing import StoreNormalizer, convert_datascrubbing_config, pii_strip_event

DEFAULTS = {"scrubData": True, "scrubDefaults": True, "sensitiveFields": [], "excludeFields": [], "scrubIpAddresses": False}

CASES = {
    "object-sorted": {"cookies": {"zeta": "1", "password": "hunter2", "theme": "dark", "alpha": "2", "B": "3", "_x": "4"}},
    # (no "e\u0301" beside "\u00e9": Faultline's JSON objects hold canonically equal keys once)
    "object-non-ascii-names": {"cookies": {"\u00e9": "1", "z": "2", "\u00c5": "3", "\u00e0": "4"}},
    "object-non-strings": {"cookies": {"a": None, "b": True, "c": 1, "d": {"x": 1}, "password": ["q"]}},
    "object-session-cookies": {"cookies": {"sessionid": "abc", "csrf_token": "def", "theme": "dark"}},
    "object-session-cookie-card": {"cookies": {"sessionid": "4111 1111 1111 1111", "xsrf-token": "4111 1111 1111 1111"}},
    "object-session-cookie-partial": {"cookies": {"sessionid": "paid with 4111 1111 1111 1111 ok"}},
    "object-session-cookie-password-text": {"cookies": {"sessionid": "password is x"}},
    "object-card-in-text": {"cookies": {"note": "paid with 4111 1111 1111 1111 ok"}},
    "object-with-cookie-header": {"cookies": {"a": "1"}, "headers": {"Cookie": "b=2", "X-Other": "y"}},
    "object-with-numeric-cookie-header": {"cookies": {"a": "1"}, "headers": {"Cookie": 5}},
    "empty-object-with-cookie-header": {"cookies": {}, "headers": {"Cookie": "b=2"}},
    "empty-string-with-cookie-header": {"cookies": "", "headers": {"Cookie": "b=2"}},
    "string": {"cookies": "z=1; password=2; a=3"},
    "string-spacing": {"cookies": "a\t=\tb ; c=d\u00a0;  e = f ;"},
    "string-decoding": {"cookies": "a=%zz; b=%E2%82%AC; c=\"quoted\"; d=a+b; e=%2; f=  %20b%20  "},
    "string-repeated-names": {"cookies": "a=1; a=2"},
    "string-invalid-pieces": {"cookies": "a=1; =2; b; c=; d=x=y"},
    "string-invalid-pieces-repeated": {"cookies": "b; c; =1; =2"},
    "string-invalid-utf8": {"cookies": "%E2%82=1; %41=%42; a=%ff"},
    "string-invalid-with-secret": {"cookies": "password=hunter2; b"},
    "string-invalid-with-card": {"cookies": "note=4111 1111 1111 1111; b"},
    "list": {"cookies": [["z", "1"], ["password", "2"], ["a", "3"]]},
    "list-invalid-items": {"cookies": [["a"], ["b", "c", "d"], "x", ["a", 1], [1, "x"], ["n", None], [None, "v"]]},
    "number": {"cookies": 5},
    "boolean-with-cookie-header": {"cookies": True, "headers": {"Cookie": "a=1"}},
    "boolean-with-invalid-cookie-header": {"cookies": True, "headers": {"Cookie": "a=1; b"}},
    "header": {"headers": {"Cookie": "z=1; sessionid=2; a=3", "X-Cookie": "x"}},
    "header-lower-case-first-only": {"headers": [["cookie", "b=2"], ["Cookie", "c=3"], ["X", "y"]]},
    "header-with-cookies-first-only": {"cookies": "a=1", "headers": [["Cookie", "b=2"], ["cookie", "c=3"]]},
    "header-invalid": {"headers": [["Cookie", "nonsense"], ["X", "y"]]},
    "header-invalid-piece": {"headers": {"Cookie": "a=1; =2"}},
    "header-empty": {"headers": [["Cookie", ""], ["X", "y"]]},
    "header-blank-pieces": {"headers": {"Cookie": " ; a=1;"}},
    "header-null-cookies": {"cookies": None, "headers": [["Cookie", "password=x"]]},
}
# Cases run with safe fields (Sentry's `excludeFields`): they exempt a cookie from the default
# rules, not from the session-cookie rule.
SAFE_FIELDS = ["note", "password", "csrf_token", "sessionid"]
CASES.update({
    "safe-fields": {"cookies": {"note": "4111 1111 1111 1111", "password": "abc", "token": "t", "csrf_token": "4111 1111 1111 1111",
                                "sessionid": "password is x"}},
})


def picked(event):
    request = event.get("request") or {}
    meta = ((event.get("_meta") or {}).get("request") or {}).get("cookies")
    return {"cookies": request.get("cookies"), "headers": request.get("headers") or None, "meta": meta}


def cases():
    normalizer = StoreNormalizer(project_id=1, client_ip="127.0.0.1", enable_trimming=True)
    out = []
    for name, request in CASES.items():
        safe = SAFE_FIELDS if name.startswith("safe-fields") else []
        pii = convert_datascrubbing_config(dict(DEFAULTS, excludeFields=safe))
        request = dict(request, url="https://example.com/")
        normalized = normalizer.normalize_event({"event_id": "a" * 32, "platform": "python", "request": request})
        scrubbed = pii_strip_event(pii, normalized)
        out.append({"name": name, "safeFields": safe, "request": request, "normalized": picked(normalized),
                    "scrubbed": picked(scrubbed)})
    return out


if __name__ == "__main__":
    text = json.dumps({"cases": cases()}, indent=1, ensure_ascii=False)
    if "--write" in sys.argv:
        with open(sys.argv[sys.argv.index("--write") + 1], "w") as out:
            out.write(text + "\n")
    else:
        print(text)
