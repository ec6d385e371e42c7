"""The differential test of issue 14: Faultline's normalizer and data scrubbing against Sentry's own
(PyPI `sentry-relay`, the Rust code Sentry's relay runs, reached through its Python bindings).

    python bench/parity/parity.py --env-file FILE [--short] [--report OUT.json] [--seed N]

The generator writes events covering every sensitive field name and every PII pattern in every
location (request data as object / form string / pairs, query string as string / pairs, URL,
headers, cookies, message, logentry, breadcrumbs, extra, contexts, frame vars, user, tags) plus
randomized SDK-shaped events (1,200 in full, 150 with --short). Each event goes

  - through the reference: `StoreNormalizer(...).normalize_event` then `pii_strip_event` with the
    PII config `convert_datascrubbing_config` makes of Sentry's default project settings
    (scrubData and scrubDefaults on, no extra or safe fields, IP addresses kept);
  - through Faultline's real pipeline: an envelope POSTed to the relay of a running
    `faultline dev`, Kafka, the processor, PostgreSQL, then read back with a token from
    `GET /api/0/projects/{org}/{project}/events/{id}/`.

Both are projected to the same canonical form (EventProjection below: the API's `entries` turned
back into the event's fields, nulls and empty containers dropped, pair lists sorted, the fields only
one side has by design left out — each listed in docs/PARITY.md) and compared location by
location, with their `_meta`. The report gives the agreement per location and per rule, lists the
disagreements, and the run FAILS (exit 1) on any leak (a planted secret the reference removed or
masked that Faultline returns in clear anywhere in the event) and below 99 % at any event location
or `_meta` location (normalization's and scrubbing's). `_meta` is compared through the API's layout mapped back to the
event's paths, and from the stored payload (psql) where the API has no place for it.
"""
import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from sentry_relay.processing import StoreNormalizer, convert_datascrubbing_config, pii_strip_event

# ---------------------------------------------------------------------------------------------
# The generator

# Every name either side treats as sensitive by default, and near misses (names Sentry keeps).
FIELD_NAMES = [
    "password", "passwd", "secret", "api_key", "apikey", "auth", "credentials", "mysql_pwd", "privatekey",
    "private_key", "token", "session", "cookie", "csrf", "xsrf", "sessionid", "otp", "two_factor",
    "access_token", "refresh_token", "authorization", "x-api-key", "api-key", "apiKey", "stripeToken",
    "client_secret", "secret_key", "AUTH_TOKEN", "csrftoken", "set-cookie", "passphrase", "pwd", "jwt",
    "note", "username", "sentrysid", "phpsessid", "csrf_token",
]

counter = [0]


def unique(prefix="s3cr3t"):
    counter[0] += 1
    return f"{prefix}{counter[0]:06d}x{random.randrange(16**6):06x}"


def luhn_card(prefix="4"):
    digits = [int(c) for c in prefix] + [random.randrange(10) for _ in range(15 - len(prefix))]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def iban():
    bban = "".join(str(random.randrange(10)) for _ in range(18))
    rearranged = bban + "1314" + "00"  # DE → 13 14
    check = 98 - int(rearranged) % 97
    return f"DE{check:02d}{bban}"


def ssn():
    return f"{random.randrange(100, 665):03d}-{random.randrange(10, 99):02d}-{random.randrange(1000, 9999):04d}"


# PII patterns: name → (value maker, the secret part that must not survive if the reference masks it).
def pattern_values():
    card = luhn_card()
    spaced = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    email = f"{unique('alice')}@example.com"
    tok = unique("tk")
    pw = unique("pw")
    iban_value = iban()
    ssn_value = ssn()
    ip = f"203.0.{random.randrange(256)}.{random.randrange(1, 255)}"
    return {
        "email": (f"contact {email} today", email),
        "creditcard": (f"paid with {spaced} ok", spaced),
        "creditcard_plain": (card, card),
        "creditcard_number": (int(card), card),
        "iban": (f"wire to {iban_value} now", iban_value),
        "usssn": (f"ssn {ssn_value} on file", ssn_value),
        "bearer": (f"Bearer {tok}", tok),
        "ip": (f"from {ip} here", ip),
        "urlauth": (f"https://bob:{pw}@example.com/x", pw),
        "url_token": (f"https://example.com/cb?token={tok}&page=2", tok),
        "pemkey": (f"-----BEGIN PRIVATE KEY-----\nMII{tok}\n-----END PRIVATE KEY-----", tok),
        "password_sentence": (f"password is {pw}", pw),
    }


def header_name(name):
    return "-".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").split("-"))


def place(location, key, value):
    """An event holding `value` under `key` at `location`."""
    text = value if isinstance(value, str) else json.dumps(value)
    form_value = urllib.request.quote(text, safe="")
    if location == "request.data.object":
        return {"request": {"url": "https://example.com/submit", "method": "POST", "data": {key: value, "page": "2"}}}
    if location == "request.data.string":
        return {"request": {"url": "https://example.com/submit", "method": "POST",
                            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                            "data": f"{key}={form_value}&page=2"}}
    if location == "request.data.json_string":
        return {"request": {"url": "https://example.com/submit", "method": "POST",
                            "headers": {"Content-Type": "application/json"},
                            "data": json.dumps({key: value, "page": 2})}}
    if location == "request.data.pairs":
        return {"request": {"url": "https://example.com/submit", "method": "POST", "data": [[key, value], ["page", "2"]]}}
    if location == "request.query_string.string":
        return {"request": {"url": "https://example.com/search", "method": "GET", "query_string": f"{key}={form_value}&page=2"}}
    if location == "request.query_string.pairs":
        return {"request": {"url": "https://example.com/search", "method": "GET", "query_string": [[key, text], ["page", "2"]]}}
    if location == "request.url":
        return {"request": {"url": f"https://example.com/search?{key}={form_value}&page=2", "method": "GET"}}
    if location == "request.headers":
        return {"request": {"url": "https://example.com/", "headers": {header_name(key): text, "Accept": "text/html"}}}
    if location == "request.cookies.object":
        return {"request": {"url": "https://example.com/", "cookies": {key: text, "theme": "dark"}}}
    if location == "request.cookies.string":
        return {"request": {"url": "https://example.com/", "cookies": f"{key}={text}; theme=dark"}}
    if location == "request.env":
        return {"request": {"url": "https://example.com/", "env": {key.upper(): text, "SERVER_NAME": "web1"}}}
    if location == "message":
        return {"message": f"{key}={text}"}
    if location == "logentry.formatted":
        return {"logentry": {"formatted": f"login failed {key}={text}"}}
    if location == "logentry.params":
        return {"logentry": {"message": f"login failed {key}=%s", "params": [value]}}
    if location == "breadcrumbs.data":
        return {"breadcrumbs": {"values": [{"category": "http", "message": "GET /x", "data": {key: value, "status": 200},
                                            "timestamp": time.time()}]}}
    if location == "breadcrumbs.message":
        return {"breadcrumbs": {"values": [{"category": "log", "message": f"{key}={text}", "timestamp": time.time()}]}}
    if location == "extra":
        return {"extra": {key: value, "count": 3}}
    if location == "contexts":
        return {"contexts": {"app_state": {key: value, "screen": "cart"}}}
    if location == "frame.vars":
        return {"exception": {"values": [{"type": "ValueError", "value": "bad input", "stacktrace": {"frames": [
            {"function": "handle", "module": "app.views", "filename": "app/views.py", "lineno": 10, "in_app": True,
             "vars": {key: value, "n": 1}}]}}]}}
    if location == "exception.value":
        return {"exception": {"values": [{"type": "ValueError", "value": f"bad {key}={text}"}]}}
    if location == "user":
        return {"user": {"id": "42", key: value}}
    if location == "tags":
        return {"tags": {key: text, "region": "eu"}}
    raise ValueError(location)


LOCATIONS = [
    "request.data.object", "request.data.string", "request.data.json_string", "request.data.pairs",
    "request.query_string.string", "request.query_string.pairs", "request.url", "request.headers",
    "request.cookies.object", "request.cookies.string", "request.env", "message", "logentry.formatted",
    "logentry.params", "breadcrumbs.data", "breadcrumbs.message", "extra", "contexts", "frame.vars",
    "exception.value", "user", "tags",
]


def base_event(platform="python"):
    return {"event_id": uuid.uuid4().hex, "platform": platform, "timestamp": time.time(),
            "sdk": {"name": "sentry.python", "version": "2.19.0"}}


def rule_cases():
    cases = []
    for name in FIELD_NAMES:
        for location in LOCATIONS:
            secret = unique()
            event = base_event()
            event.update(place(location, name, secret))
            cases.append({"rule": f"field:{name}", "location": location, "event": event, "secrets": [secret]})
    for pattern in pattern_values():
        for location in LOCATIONS:
            value, secret = pattern_values()[pattern]
            event = base_event()
            event.update(place(location, "note", value))
            cases.append({"rule": f"pattern:{pattern}", "location": location, "event": event, "secrets": [secret]})
    # Sentry's length limits with `!limit` remarks (UTF-8 offsets): messages and exception values at
    # 8,192 (+200), a logger at 64, in ASCII and not.
    for name, fields in {
        "message": {"message": "x" * 9000},
        "message-at-allowance": {"message": "x" * 8392},
        "logentry-template": {"logentry": {"message": "a %s " + "y" * 9000, "params": ["b"]}},
        "logentry-formatted": {"logentry": {"formatted": "\u00e9" * 8393}},
        "exception-value": {"exception": {"values": [{"type": "E", "value": "v" * 9000}]}},
        "exception-value-non-ascii": {"exception": {"values": [{"type": "E", "value": "\u00e9" * 8393}]}},
        "logger-non-ascii": {"logger": "\u00e9" * 80},
    }.items():
        event = base_event()
        event.update(fields)
        cases.append({"rule": f"limit:{name}", "location": "limits", "event": event, "secrets": []})
    return cases


# Ordinary SDK input that normalizers read differently (issue 14's list and more).
LEVELS = ["fatal", "error", "warning", "info", "debug", "warn", "log", "critical", "ERROR", 30, "30", "", "verbose"]
ENVIRONMENTS = ["production", "staging", "a/b", "   ", "", "x" * 70, " prod ", "dev"]
RELEASES = ["web@1.2.3", "1.0", "a/b", "   ", "..", "latest", " 2.0 ", "x" * 210, "backend@2.0.0+build.7"]
DISTS = ["42", " 42 ", "x" * 70, ""]
LOGGERS = ["django.request", "", "a" * 80, "root", "  spaced  "]
FUNCS = ["handle", "load_user", "render", "<module>", "main", "lambda$0"]


def random_frame(rng, i):
    frame = {"function": rng.choice(FUNCS), "module": rng.choice(["app.views", "django.core.handlers", "lib.x"]),
             "filename": f"app/file{i}.py", "abs_path": f"/srv/app/file{i}.py", "lineno": rng.randrange(1, 500),
             "in_app": rng.choice([True, False, None])}
    if frame["in_app"] is None:
        del frame["in_app"]
    if rng.random() < 0.4:
        frame["context_line"] = "    x = compute(y)"
        frame["pre_context"] = ["def f(y):"]
        frame["post_context"] = ["    return x"]
    if rng.random() < 0.4:
        frame["vars"] = {"y": rng.randrange(100), "name": "widget"}
    return frame


def random_secret(rng, secrets):
    kind = rng.choice(["field", "pattern", "none", "none"])
    if kind == "field":
        secret = unique()
        secrets.append(secret)
        return rng.choice(FIELD_NAMES), secret
    if kind == "pattern":
        name = rng.choice(list(pattern_values()))
        value, secret = pattern_values()[name]
        secrets.append(secret)
        return "note", value
    return "note", "nothing secret"


def random_event(rng, index):
    secrets = []
    event = base_event(rng.choice(["python", "javascript", "node", "java", "go", "ruby", "php", "csharp", "other"]))
    template = rng.choice(["exception", "message", "logentry", "http", "mixed"])
    if rng.random() < 0.7:
        event["level"] = rng.choice(LEVELS)
    if rng.random() < 0.6:
        event["environment"] = rng.choice(ENVIRONMENTS)
    if rng.random() < 0.6:
        event["release"] = rng.choice(RELEASES)
    if rng.random() < 0.2:
        event["dist"] = rng.choice(DISTS)
    if rng.random() < 0.5:
        event["logger"] = rng.choice(LOGGERS)
    if rng.random() < 0.5:
        event["server_name"] = "web-1"
    if template in ("exception", "mixed", "http"):
        values = []
        for j in range(rng.choice([1, 1, 1, 2, 3])):
            value = {"type": rng.choice(["ValueError", "KeyError", "TypeError", "x" * 300, "", "ConnectionError"]),
                     "value": rng.choice(["bad input", "", "upstream refused connection", "ValueError: nested"]),
                     "stacktrace": {"frames": [random_frame(rng, k) for k in range(rng.randrange(1, 6))]}}
            if rng.random() < 0.2:
                value["module"] = rng.choice(["builtins", "m" * 300])
            if rng.random() < 0.3:
                value["mechanism"] = {"type": "generic", "handled": rng.choice([True, False])}
            if rng.random() < 0.1:
                value = {}
            values.append(value)
        shape = rng.random()
        if shape < 0.1:
            event["exception"] = values[0] if values[0] else {"type": "ValueError", "value": "single"}
        elif shape < 0.2:
            event["exception"] = values
        else:
            event["exception"] = {"values": values}
    if template in ("message", "mixed"):
        shape = rng.random()
        key, secret = random_secret(rng, secrets)
        if shape < 0.5:
            event["message"] = f"user action failed {key}={secret}"
        else:
            event["message"] = {"message": "user %s failed with %s", "params": ["bob", secret]}
    if template == "logentry":
        key, secret = random_secret(rng, secrets)
        params = rng.choice([["bob", secret], [], [1, 2.5, None]])
        event["logentry"] = {"message": "user %s failed with %s" if params else f"plain {secret}", "params": params}
        if rng.random() < 0.3:
            event["logentry"]["formatted"] = f"preformatted {secret}"
    if template in ("http", "mixed") or rng.random() < 0.3:
        key, secret = random_secret(rng, secrets)
        location = rng.choice([l for l in LOCATIONS if l.startswith("request.")])
        request = place(location, key, secret)["request"]
        request.setdefault("method", rng.choice(["GET", "post", "PUT"]))
        if rng.random() < 0.5:
            request.setdefault("headers", {})
            if isinstance(request["headers"], dict):
                request["headers"]["User-Agent"] = "Mozilla/5.0"
                request["headers"]["Host"] = "example.com"
        event["request"] = request
    if rng.random() < 0.5:
        crumbs = []
        for _ in range(rng.randrange(1, 5)):
            key, secret = random_secret(rng, secrets)
            crumbs.append({"category": rng.choice(["http", "ui.click", "log"]), "message": f"step {key}={secret}",
                           "level": rng.choice(["info", "warning", "warn", "error"]), "timestamp": time.time(),
                           "data": {key: secret}})
        event["breadcrumbs"] = {"values": crumbs} if rng.random() < 0.8 else crumbs
    if rng.random() < 0.5:
        key, secret = random_secret(rng, secrets)
        event["extra"] = {key: secret, "attempt": rng.randrange(5), "nested": {"deep": {key: secret}}}
    if rng.random() < 0.5:
        key, secret = random_secret(rng, secrets)
        event["user"] = {"id": str(rng.randrange(1000)), "email": f"u{rng.randrange(1000)}@example.com",
                         "ip_address": rng.choice(["203.0.113.5", "{{auto}}", "10.0.0.1"]), key: secret}
    if rng.random() < 0.5:
        key, secret = random_secret(rng, secrets)
        event["contexts"] = {"os": {"name": "Linux", "version": "6.1"}, "runtime": {"name": "CPython", "version": "3.11"},
                             "custom": {key: secret}}
    if rng.random() < 0.5:
        key, secret = random_secret(rng, secrets)
        event["tags"] = rng.choice([{"region": "eu", key: secret}, [["region", "eu"], [key, secret]]])
    if rng.random() < 0.2:
        event["fingerprint"] = ["{{ default }}", "custom"]
    if rng.random() < 0.2:
        event["modules"] = {"django": "4.2", "requests": "2.31"}
    return {"rule": f"random:{template}", "location": "random", "event": event, "secrets": secrets}


# ---------------------------------------------------------------------------------------------
# The reference

SENTRY_DEFAULT_SCRUBBING = {"scrubData": True, "scrubDefaults": True, "sensitiveFields": [], "safeFields": [],
                            "scrubIpAddresses": False}


class Reference:
    def __init__(self, project_id):
        # enable_trimming: the size limits Sentry's relay applies before it stores an event.
        self.normalizer = StoreNormalizer(project_id=project_id, client_ip="127.0.0.1", enable_trimming=True)
        self.pii = convert_datascrubbing_config(SENTRY_DEFAULT_SCRUBBING)

    def process(self, event):
        normalized = self.normalizer.normalize_event(event)
        return pii_strip_event(self.pii, normalized)


# ---------------------------------------------------------------------------------------------
# Faultline

class Faultline:
    def __init__(self, env):
        self.env = env
        self.url = env["FAULTLINE_URL"].rstrip("/")
        self.token = env["FAULTLINE_TOKEN"]
        self.org = env["FAULTLINE_ORG"]
        self.project = env["FAULTLINE_PROJECT"]
        dsn = env["FAULTLINE_DSN"]
        self.key = dsn.split("//", 1)[1].split("@", 1)[0].split(":")[0]
        self.project_id = int(dsn.rstrip("/").rsplit("/", 1)[1])

    def send(self, event):
        payload = json.dumps(event).encode()
        header = json.dumps({"event_id": event["event_id"], "sent_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        body = header.encode() + b"\n" + json.dumps({"type": "event", "length": len(payload)}).encode() + b"\n" + payload
        request = urllib.request.Request(f"{self.url}/api/{self.project_id}/envelope/", data=body, method="POST", headers={
            "Content-Type": "application/x-sentry-envelope",
            "X-Sentry-Auth": f"Sentry sentry_key={self.key}, sentry_version=7, sentry_client=sentry.python/2.19.0"})
        for attempt in range(20):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                if error.code not in (429, 503):
                    return error.code
            except OSError:
                pass
            time.sleep(0.2 * (attempt + 1))
        return 0

    def stored_meta(self):
        """event id → the `_meta` of the stored payload (what the API has no place for is compared
        there: the level, release, environment, dist, logger, the root)."""
        psql, url = self.env.get("FAULTLINE_PSQL"), self.env.get("FAULTLINE_DATABASE_URL")
        if not psql or not url:
            return {}
        out = subprocess.run([psql, url, "-At", "-c",
                              "SELECT replace(event_id::text, '-', '') || ' ' || coalesce(payload->'_meta', 'null'::jsonb)::text FROM events"],
                             capture_output=True, text=True, check=True).stdout
        return {line.split(" ", 1)[0]: json.loads(line.split(" ", 1)[1]) for line in out.splitlines() if " " in line}

    def read(self, event_id):
        request = urllib.request.Request(
            f"{self.url}/api/0/projects/{self.org}/{self.project}/events/{event_id}/",
            headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise


# ---------------------------------------------------------------------------------------------
# Projection to one canonical form

PAIR_FIELDS = ("headers", "cookies", "query_string", "env")
# Tags the store adds from the event's own fields (Sentry adds them when it saves, after the
# normalizer): compared through the fields themselves.
DERIVED_TAGS = {"level", "environment", "release", "dist", "logger", "server_name", "transaction", "url",
                "browser", "browser.name", "os", "os.name", "runtime", "runtime.name", "device", "device.family",
                "handled", "mechanism", "user", "sentry:user", "sentry:release", "sentry:dist"}


def clean(value):
    """Nulls and empty containers dropped (the API fills absent fields with null)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = clean(v)
            if v is not None and v != {} and v != []:
                out[k] = v
        return out
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def pairs(value):
    if isinstance(value, dict):
        return sorted([[k, v] for k, v in value.items()], key=json.dumps)
    if isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
        return sorted(value, key=json.dumps)
    return value


def frame_from_api(frame):
    names = {"absPath": "abs_path", "inApp": "in_app", "lineNo": "lineno", "colNo": "colno", "rawFunction": "raw_function",
             "instructionAddr": "instruction_addr", "symbolAddr": "symbol_addr", "imageAddr": "image_addr"}
    out = {names.get(k, k): v for k, v in frame.items() if k != "context"}
    context = frame.get("context") or []
    line = frame.get("lineNo")
    if context and line is not None:
        out["pre_context"] = [text for number, text in context if number < line]
        current = [text for number, text in context if number == line]
        if current:
            out["context_line"] = current[0]
        out["post_context"] = [text for number, text in context if number > line]
    return out


def stacktrace_from_api(st):
    if not st:
        return None
    return {"frames": [frame_from_api(f) for f in st.get("frames") or []], "frames_omitted": st.get("framesOmitted"),
            "registers": st.get("registers")}


def event_from_api(api):
    """Faultline's event API response turned back into the event's own fields."""
    event = {}
    for entry in api.get("entries") or []:
        kind, data = entry.get("type"), entry.get("data") or {}
        if kind == "exception":
            event["exception"] = {"values": [{
                "type": v.get("type"), "value": v.get("value"), "module": v.get("module"), "mechanism": v.get("mechanism"),
                "thread_id": v.get("threadId"), "stacktrace": stacktrace_from_api(v.get("stacktrace"))}
                for v in data.get("values") or []]}
        elif kind == "threads":
            event["threads"] = {"values": [dict(v, stacktrace=stacktrace_from_api(v.get("stacktrace"))) for v in data.get("values") or []]}
        elif kind == "stacktrace":
            event["stacktrace"] = stacktrace_from_api(data)
        elif kind == "message":
            event["logentry"] = {"formatted": data.get("formatted"), "message": data.get("message"), "params": data.get("params")}
        elif kind == "breadcrumbs":
            event["breadcrumbs"] = {"values": data.get("values")}
        elif kind == "request":
            request = dict(data)
            request["query_string"] = request.pop("query", None)
            request.pop("inferredContentType", None)
            event["request"] = request
    for field in ("contexts", "sdk", "dist", "extra", "user", "environment", "platform"):
        event[field] = api.get(field)
    event["modules"] = api.get("packages")
    release = api.get("release")
    event["release"] = release.get("version") if isinstance(release, dict) else release
    tags = {t["key"]: t["value"] for t in api.get("tags") or []}
    event["level"] = tags.get("level")
    event["logger"] = tags.get("logger")
    event["tags"] = tags
    event["_meta"] = api.get("_meta")
    return event


def project(event):
    """The compared form of an event (reference output or event_from_api's): location → value."""
    out = {}
    for field in ("level", "platform", "environment", "release", "dist", "logger", "contexts", "sdk", "extra", "user",
                  "modules", "exception", "threads", "stacktrace"):
        out[field] = event.get(field)
    if out["logger"] == "":  # the reference writes an empty logger for none
        out["logger"] = None
    if isinstance(out["exception"], dict):
        values = []
        for v in out["exception"].get("values") or []:
            if isinstance(v, dict):
                v = {k: v.get(k) for k in ("type", "value", "module", "mechanism", "thread_id", "stacktrace")}
                # The API renders a null exception as an object of nulls.
                v = v if any(x is not None for x in v.values()) else None
            values.append(v)
        out["exception"] = {"values": values}
        for v in out["exception"]["values"]:
            if isinstance(v, dict) and isinstance(v.get("stacktrace"), dict):
                v["stacktrace"] = {k: v["stacktrace"].get(k) for k in ("frames", "frames_omitted", "registers")}
                # The API (Sentry's too) renders a missing in_app as false: false and missing compare equal.
                for frame in v["stacktrace"].get("frames") or []:
                    if isinstance(frame, dict) and frame.get("in_app") is False:
                        del frame["in_app"]
    if isinstance(out["contexts"], dict):
        out["contexts"] = {k: v for k, v in out["contexts"].items() if k != "trace"}
    # The message: the API shows one text (formatted, else the template) and the params.
    entry = event.get("logentry")
    if isinstance(entry, dict):
        out["logentry"] = {"formatted": entry.get("formatted") or entry.get("message"), "params": entry.get("params")}
    elif event.get("message"):
        out["logentry"] = {"formatted": event.get("message")}
    crumbs = event.get("breadcrumbs")
    crumbs = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    if isinstance(crumbs, list):
        out["breadcrumbs"] = [{k: v for k, v in c.items() if k not in ("timestamp", "event_id")} if isinstance(c, dict) else c
                              for c in crumbs]
    request = event.get("request")
    if isinstance(request, dict):
        for key, value in request.items():
            if key in ("inferred_content_type", "api_target"):
                continue
            out[f"request.{key}"] = pairs(value) if key in PAIR_FIELDS else value
    tags = event.get("tags")
    tag_pairs = pairs(tags) if tags is not None else None
    if isinstance(tag_pairs, list):
        # A tag whose value the normalizer found invalid is kept as [key, null] with a _meta error;
        # Sentry stores no such tag.
        tag_pairs = [p for p in tag_pairs if isinstance(p, list) and p and p[0] not in DERIVED_TAGS and p[1] is not None]
    out["tags"] = tag_pairs
    return {k: v for k, v in clean(out).items() if v not in (None, {}, [])}


# Where Sentry's events API puts the `_meta` of each part of the event (EventSerializer): the
# interfaces under `entries` by index, then these keys.
API_META_KEYS = {"user": "user", "contexts": "contexts", "sdk": "sdk", "context": "extra", "packages": "modules"}
ENTRY_FIELDS = {"exception": "exception", "threads": "threads", "stacktrace": "stacktrace", "message": "logentry",
                "breadcrumbs": "breadcrumbs", "request": "request"}
# Event fields whose `_meta` the API shows; the others' (level, release, …, the root "") only the
# stored payload holds.
API_META_FIELDS = set(API_META_KEYS.values()) | set(ENTRY_FIELDS.values()) | {"tags"}
SNAKE = {"threadId": "thread_id", "rawStacktrace": "raw_stacktrace", "absPath": "abs_path", "inApp": "in_app",
         "lineNo": "lineno", "colNo": "colno", "rawFunction": "raw_function", "instructionAddr": "instruction_addr",
         "symbolAddr": "symbol_addr", "imageAddr": "image_addr", "query": "query_string"}


def renamed_meta(meta):
    if not isinstance(meta, dict):
        return meta
    return {("" if k == "" else SNAKE.get(k, k)): (v if k == "" else renamed_meta(v)) for k, v in meta.items()}


def meta_from_api(api):
    """The API's `_meta` (Sentry's layout) turned back into the event's `_meta` by field."""
    meta = api.get("_meta") if isinstance(api.get("_meta"), dict) else {}
    out = {}
    entries = api.get("entries") or []
    for index, value in (meta.get("entries") or {}).items():
        if not (isinstance(value, dict) and index.isdigit() and int(index) < len(entries)):
            continue
        field = ENTRY_FIELDS.get(entries[int(index)].get("type"))
        if field and value.get("data"):
            out[field] = renamed_meta(value["data"])
    for key, field in API_META_KEYS.items():
        if meta.get(key):
            out[field] = meta[key]
    tags = api.get("tags") or []
    for index, value in (meta.get("tags") or {}).items():
        if index.isdigit() and int(index) < len(tags) and isinstance(value, dict) and value.get("value"):
            out.setdefault("tags", {})[tags[int(index)]["key"]] = value["value"]
    return out


def reference_tags_meta(meta, event):
    """The reference's tag `_meta` (by index in its pair list) by tag key, for the tags Sentry's API
    shows (not those whose value it removed)."""
    tags = event.get("tags")
    pairs_list = [[k, v] for k, v in tags.items()] if isinstance(tags, dict) else (tags or [])
    out = {}
    for index, value in (meta or {}).items():
        if index.isdigit() and int(index) < len(pairs_list) and isinstance(pairs_list[int(index)], list):
            key, tag_value = pairs_list[int(index)]
            if tag_value is not None and isinstance(value, dict) and value.get("1"):
                out[key] = value["1"]
    return out or None


def is_scrubbing(entry):
    """A meta entry written by data scrubbing: a remark of a PII rule (`@password:filter`, …), not
    normalization's (`!limit`, `@logger:…`)."""
    return any(isinstance(r, list) and r and isinstance(r[0], str) and r[0].startswith("@") and not r[0].startswith("@logger:")
               for r in (entry.get("rem") or []))


def split_meta(meta, path=()):
    """(normalization, scrubbing): the leaves of a `_meta` tree as {path: entry}."""
    normalization, scrubbing = {}, {}
    if isinstance(meta, dict):
        for key, value in meta.items():
            if key == "" and isinstance(value, dict):
                (scrubbing if is_scrubbing(value) else normalization)[path] = value
            elif isinstance(value, dict):
                n, s = split_meta(value, path + (key,))
                normalization.update(n)
                scrubbing.update(s)
    return normalization, scrubbing


def meta_location(path):
    """The location a `_meta` leaf is counted under: the field (request fields apart), "(root)"."""
    if not path:
        return "(root)"
    if path[0] == "request" and len(path) > 1:
        return f"request.{path[1]}"
    return path[0]


def meta_by_location(meta, event, stored_meta):
    """{(class, location): {path: entry}}; `meta` is the reference's or Faultline's from the API,
    `stored_meta` Faultline's stored one for the fields the API does not show (None: reference)."""
    meta = dict(meta or {})
    if stored_meta is None:
        if "tags" in meta:
            meta["tags"] = reference_tags_meta(meta["tags"], event)
        if isinstance(meta.get("contexts"), dict):  # the trace context is left out of the event too
            meta["contexts"] = {k: v for k, v in meta["contexts"].items() if k != "trace"}
    else:
        for key, value in (stored_meta or {}).items():
            if key not in API_META_FIELDS:
                meta[key] = value
    out = {}
    for cls, leaves in zip(("normalization", "scrubbing"), split_meta(meta)):
        for path, entry in leaves.items():
            out.setdefault((cls, meta_location(path)), {})[".".join(path)] = entry
    return out


def canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# The run

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--env-file", required=True)
    parser.add_argument("--short", action="store_true", help="one name per class, fewer random events")
    parser.add_argument("--random", type=int, default=None)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--report", default=None)
    parser.add_argument("--show", type=int, default=40, help="disagreements listed")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    random.seed(args.seed)
    rng = random.Random(args.seed)
    env = dict(line.strip().split("=", 1) for line in open(args.env_file) if "=" in line)
    faultline = Faultline(env)
    reference = Reference(faultline.project_id)

    cases = rule_cases()
    if args.short:
        keep = {"password", "secret", "api_key", "token", "auth", "session", "cookie", "x-api-key", "note", "credentials"}
        cases = [c for c in cases if not c["rule"].startswith("field:") or c["rule"][6:] in keep]
    random_count = args.random if args.random is not None else (150 if args.short else 1200)
    cases += [random_event(rng, i) for i in range(random_count)]
    print(f"parity: {len(cases)} events ({len(cases) - random_count} rule x location, {random_count} randomized)", file=sys.stderr)

    for case in cases:
        case["reference"] = reference.process(json.loads(json.dumps(case["event"])))

    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        statuses = list(pool.map(lambda c: faultline.send(c["event"]), cases))
    refused = [c for c, s in zip(cases, statuses) if s != 200]
    print(f"parity: sent in {time.time() - started:.1f}s ({len(refused)} not accepted)", file=sys.stderr)

    pending = {c["event"]["event_id"]: c for c, s in zip(cases, statuses) if s == 200}
    deadline = time.time() + 300
    while pending and time.time() < deadline:
        ids = list(pending)
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(faultline.read, ids))
        for event_id, api in zip(ids, results):
            if api is not None:
                pending.pop(event_id)["faultline"] = api
        if pending:
            time.sleep(1)
    print(f"parity: read back in {time.time() - started:.1f}s ({len(pending)} never stored)", file=sys.stderr)

    report = compare(cases, faultline.stored_meta())
    print_report(report, args.show)
    if args.report:
        with open(args.report, "w") as out:
            json.dump(report, out, indent=1, ensure_ascii=False)
    missing = [c for c in cases if "faultline" not in c and c["reference"] is not None]
    below = below_gate(report)
    if report["leaks"] or missing or below:
        print(f"parity: FAILED: {len(report['leaks'])} leaks, {len(missing)} events not stored, "
              f"locations below {GATE} %: {', '.join(below) or 'none'}", file=sys.stderr)
        return 1
    return 0


# Differences kept on purpose (docs/PARITY.md), applied to the reference before comparing and
# counted in the report.
def apply_kept_differences(ref_event, counts):
    user = ref_event.get("user")
    if isinstance(user, dict) and user.get("ip_address") == "{{auto}}":
        # Sentry's relay replaces {{auto}} by the client's address when it ingests the event;
        # the Python binding's normalizer has no request and keeps the placeholder.
        user["ip_address"] = "127.0.0.1"
        if user.get("sentry_user") == "ip:{{auto}}":
            user["sentry_user"] = "ip:127.0.0.1"
        counts["user.ip_address {{auto}} resolved to the client address"] = counts.get(
            "user.ip_address {{auto}} resolved to the client address", 0) + 1


def compare(cases, stored_meta):
    per_location = {}   # location → [agree, total]
    per_meta = {}       # "class location" → [agree, total], class normalization or scrubbing
    meta_disagreements = []
    per_rule = {}       # "rule @ location" → [agree, total]
    disagreements = []
    leaks = []
    kept = {}
    for case in cases:
        if "faultline" not in case:
            continue
        ours_event = event_from_api(case["faultline"])
        reference = json.loads(json.dumps(case["reference"]))
        apply_kept_differences(reference, kept)
        ref = project(reference)
        ours = project(ours_event)
        ref_text, ours_text = canonical(ref), canonical(ours)
        for secret in case["secrets"]:
            if secret not in ref_text and secret in ours_text:
                where = sorted(k for k, v in ours.items() if secret in canonical(v))
                leaks.append({"rule": case["rule"], "location": case["location"], "secret": secret, "in": where,
                              "event_id": case["event"]["event_id"]})
        all_equal = True
        for key in sorted(set(ref) | set(ours)):
            equal = canonical(ref.get(key)) == canonical(ours.get(key))
            tally = per_location.setdefault(key, [0, 0])
            tally[0] += equal
            tally[1] += 1
            if not equal:
                all_equal = False
                disagreements.append({"rule": case["rule"], "location": case["location"], "field": key,
                                      "reference": ref.get(key), "faultline": ours.get(key),
                                      "event_id": case["event"]["event_id"]})
        event_id = case["event"]["event_id"]
        ref_meta = meta_by_location(case["reference"].get("_meta"), case["reference"], None)
        our_meta = meta_by_location(meta_from_api(case["faultline"]), ours_event, stored_meta.get(event_id) or {})
        for key in sorted(set(ref_meta) | set(our_meta)):
            equal = canonical(ref_meta.get(key)) == canonical(our_meta.get(key))
            tally = per_meta.setdefault(f"{key[0]} {key[1]}", [0, 0])
            tally[0] += equal
            tally[1] += 1
            if not equal:
                meta_disagreements.append({"rule": case["rule"], "location": case["location"], "class": key[0], "field": key[1],
                                           "reference": ref_meta.get(key), "faultline": our_meta.get(key), "event_id": event_id})
        rule_key = f"{case['rule']} @ {case['location']}"
        tally = per_rule.setdefault(rule_key, [0, 0])
        tally[0] += all_equal
        tally[1] += 1
    events = sum(1 for c in cases if "faultline" in c)
    agree_events = sum(v[0] for v in per_rule.values())
    return {"events": events, "events_equal": agree_events, "kept_differences": kept, "per_location": per_location, "meta_per_location": per_meta,
            "per_rule": per_rule, "leaks": leaks, "disagreements": disagreements, "meta_disagreements": meta_disagreements}


# The bar: at least 99 % agreement per location, for the event and for its `_meta`, both
# what normalization records and what data scrubbing records (`--short` gates the same).
GATE = 99.0
GATED_META_CLASSES = ("normalization", "scrubbing")


def below_gate(report):
    below = [k for k, t in report["per_location"].items() if rate(t) < GATE]
    below += [k for k, t in report["meta_per_location"].items() if k.split(" ", 1)[0] in GATED_META_CLASSES and rate(t) < GATE]
    return sorted(below)


def rate(tally):
    return 100.0 * tally[0] / tally[1] if tally[1] else 100.0


def print_report(report, show):
    print(f"\nevents compared: {report['events']}, whole event equal: {report['events_equal']} "
          f"({rate([report['events_equal'], report['events']]):.1f} %)")
    for what, count in sorted(report["kept_differences"].items()):
        print(f"kept difference (docs/PARITY.md): {what}: {count} events")
    print("\nagreement per location (events where the location is present on either side):")
    for key, tally in sorted(report["per_location"].items()):
        print(f"  {key:32} {rate(tally):6.1f} %  ({tally[0]}/{tally[1]})")
    for cls in ("normalization", "scrubbing"):
        print(f"\n_meta agreement per location, {cls} (events where either side records meta there):")
        for key, tally in sorted(report["meta_per_location"].items()):
            if key.startswith(cls + " "):
                print(f"  {key.split(' ', 1)[1]:32} {rate(tally):6.1f} %  ({tally[0]}/{tally[1]})")
    by_class = {}
    for key, tally in report["per_rule"].items():
        rule = key.split(" @ ")[0]
        rule = rule if not rule.startswith("field:") else "field:*"
        location = key.split(" @ ")[1]
        t = by_class.setdefault((rule, location), [0, 0])
        t[0] += tally[0]
        t[1] += tally[1]
    print("\nagreement per rule class and location (whole event equal):")
    for (rule, location), tally in sorted(by_class.items()):
        if tally[0] != tally[1]:
            print(f"  {rule:26} {location:28} {rate(tally):6.1f} %  ({tally[0]}/{tally[1]})")
    print(f"\n{len(report['disagreements'])} field disagreements; the first {show}:")
    for d in report["disagreements"][:show]:
        print(f"  {d['rule']} @ {d['location']} field {d['field']}:\n    sentry:    {canonical(d['reference'])[:300]}\n"
              f"    faultline: {canonical(d['faultline'])[:300]}")
    print(f"\n{len(report['meta_disagreements'])} _meta disagreements; the first {show}:")
    for d in report["meta_disagreements"][:show]:
        print(f"  {d['rule']} @ {d['location']} {d['class']} {d['field']}:\n    sentry:    {canonical(d['reference'])[:300]}\n"
              f"    faultline: {canonical(d['faultline'])[:300]}")
    print(f"\nLEAKS: {len(report['leaks'])}")
    by_leak = {}
    for leak in report["leaks"]:
        by_leak.setdefault((leak["rule"] if not leak["rule"].startswith("random") else "random", leak["location"]), []).append(leak)
    for (rule, location), items in sorted(by_leak.items()):
        print(f"  {rule:26} {location:28} {len(items)}  e.g. in {items[0]['in']}")


if __name__ == "__main__":
    sys.exit(main())
