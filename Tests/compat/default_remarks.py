"""Reference `_meta` remarks of Sentry's default data scrubbing, from the real sentry-relay package.

For each case (Sentry's project settings and a raw event) prints one JSON object:
`{"cases": [{"name", "settings", "event", "expected"}]}` where `event` is the event after
`StoreNormalizer.normalize_event` (what Faultline's scrubber sees after its own normalizer) and
`expected` is `pii_strip_event(convert_datascrubbing_config(settings), event)`, `_meta` included.
DefaultScrubbingRemarksTests runs Faultline's `EventScrubber` on each `event` and compares; the
recorded copy (`--write`) is Tests/compat/default_remarks.json.
"""
import json
import sys

from sentry_relay.processing import StoreNormalizer, convert_datascrubbing_config, pii_strip_event

DEFAULTS = {"scrubData": True, "scrubDefaults": True, "sensitiveFields": [], "excludeFields": [], "scrubIpAddresses": False}

CARD = "4111 1111 1111 1111"
BEARER = "Bearer abc.def"
SSN = "123-45-6789"
IBAN = "DE89370400440532013000"

# Each default rule in a text, and a key or text that names a secret.
TEXTS = {
    "creditcard": f"paid with {CARD} today",
    "iban": f"wire to {IBAN}.",
    "usssn": f"ssn {SSN} é",
    "bearer": f"sent {BEARER} then",
    "urlauth": "see https://user:hunter2@example.com/x",
    "pemkey": "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----",
    "password-text": "my password is hunter2",
    "token-pair": "a=1&access_token=xyz",
    "several": f"ü {CARD} and {SSN} and {BEARER} and {IBAN}",
    "whole-card": "4111111111111111",
    "plain": "nothing to see",
}

LOCATIONS = {
    "request-data": lambda text: {"request": {"method": "POST", "data": {"field": text, "password": "hunter2"}}},
    "query-string": lambda text: {"request": {"url": "http://example.com/", "query_string": [["q", text], ["api_key", "k"]]}},
    "headers": lambda text: {"request": {"headers": [["X-Note", text], ["Authorization", "Basic abc"]]}},
    "cookies": lambda text: {"request": {"cookies": [["theme", text], ["sessionid", "s1"], ["secret", "x"]]}},
    "extra": lambda text: {"extra": {"value": text, "nested": {"passwd": 12, "flag": {"auth": True}}, "list": [text]}},
    "contexts": lambda text: {"contexts": {"custom": {"type": "custom", "detail": text, "api_key": "k"}}},
    "frame-vars": lambda text: {"exception": {"values": [{"type": "E", "value": text, "stacktrace": {"frames": [
        {"function": "f", "filename": "a.py", "vars": {"arg": text, "token": "t", "items": [text]}}]}}]}},
    "breadcrumbs": lambda text: {"breadcrumbs": {"values": [{"message": text, "data": {"detail": text, "secret": "s"}}]}},
    "logentry": lambda text: {"logentry": {"formatted": text + " mail a@b.com", "message": "%s", "params": [text]}},
    # The template is never scrubbed; the text formatted from it and the params are.
    "logentry-template": lambda text: {"logentry": {"message": "password=%s card 4111 1111 1111 1111 " + text, "params": [text]}},
}


def cases():
    out = []
    for location, build in LOCATIONS.items():
        for rule, text in TEXTS.items():
            out.append((f"{location}/{rule}", {}, build(text)))
    out.append(("user-ip/scrub-ip", {"scrubIpAddresses": True},
                {"user": {"ip_address": "10.1.2.3", "id": "u1"},
                 "extra": {"from": "connected from 192.168.0.1", "wide": "😀€ 192.168.0.1 4111111111111111"}}))
    out.append(("sensitive-fields/case", {"sensitiveFields": ["note", "Order"]},
                {"extra": {"note": "x", "Note": "y", "NOTE": "z", "my_note": "w", "order": "o", "Order_id": "p",
                           "text": "note=1", "Text": "Note=1", "path": "open /home/u/notes.txt", "Path": "my Notes",
                           "both": "password notes", "card": "notes 4111111111111111"},
                 "request": {"headers": [["Note", "h"], ["X-Order", "o"]]}}))
    out.append(("message/plain", {}, {"message": f"card {CARD} from a@b.com"}))
    return out


def main():
    normalizer = StoreNormalizer(project_id=1, client_ip="127.0.0.1", enable_trimming=True)
    result = []
    for name, overrides, raw in cases():
        settings = {**DEFAULTS, **overrides}
        raw = {"event_id": "0123456789abcdef0123456789abcdef", "timestamp": 1767225600, "platform": "python", **raw}
        normalized = normalizer.normalize_event(raw)
        expected = pii_strip_event(convert_datascrubbing_config(settings), normalized)
        result.append({"name": name, "settings": settings, "event": normalized, "expected": expected})
    text = json.dumps({"cases": result}, sort_keys=True, ensure_ascii=False)
    if len(sys.argv) > 2 and sys.argv[1] == "--write":
        with open(sys.argv[2], "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
