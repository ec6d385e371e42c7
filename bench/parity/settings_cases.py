"""The differential test of issue 14 for non-default data scrubbing: projects configured with
Sentry's settings (safe fields, sensitive fields, defaults off, scrubbing off, IP scrubbing) and
with advanced PII configs (each rule type, each redaction, assorted selectors), compared with
Sentry's own scrubber.

    python bench/parity/settings_cases.py --env-file FILE [--short] [--report OUT.json]

For each profile a project is created (`faultline admin create-project`, by bench/parity/run.sh
passing --faultline-bin), its settings are set through the API (`PUT /api/0/projects/{org}/{project}/`,
the route under test) and the events go through the real pipeline as in parity.py. The
reference for each event is `StoreNormalizer.normalize_event` then `pii_strip_event` with the
project's `relayPiiConfig`, then with `convert_datascrubbing_config(<the same settings>)` — the
order Sentry's relay applies them. Agreement is reported per profile, rule and location, `_meta`
included; any leak (a secret the reference removed that Faultline returns) fails the run.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity  # noqa: E402  (the generator, the Faultline client, the projection and the comparison)
from sentry_relay.processing import StoreNormalizer, convert_datascrubbing_config, pii_strip_event  # noqa: E402

ADVANCED_TYPES = {
    "rules": {
        "ids": {"type": "pattern", "pattern": "s3cr3t[0-9]+", "redaction": {"method": "replace", "text": "[id]"}},
        "tk-digits": {"type": "pattern", "pattern": "(tk)([0-9]+)", "replaceGroups": [2], "redaction": {"method": "mask"}},
        "mails": {"type": "email", "redaction": {"method": "hash"}},
        "both": {"type": "multiple", "rules": ["@ip", "@mac"], "hideInner": True},
        "uuids": {"type": "alias", "rule": "@uuid:replace"},
        "keys": {"type": "redact_pair", "keyPattern": "^(note|token)$", "redaction": {"method": "replace", "text": "[key]"}},
    },
    "applications": {
        "$string": ["ids", "tk-digits", "mails", "both", "uuids", "@imei", "@userpath", "@pemkey", "@urlauth", "@bearer"],
        "extra.** || $frame.vars.** || contexts.**": ["keys"],
    },
}
ADVANCED_REDACTIONS = {
    "rules": {
        "cards": {"type": "creditcard", "redaction": {"method": "mask"}},
        "ibans": {"type": "iban", "redaction": {"method": "remove"}},
        "ssn": {"type": "us_ssn", "redaction": {"method": "replace", "text": "[ssn]"}},
        "pw": {"type": "password"},
        "all": {"type": "anything", "redaction": {"method": "replace", "text": "[gone]"}},
    },
    "applications": {
        "$string && !$logentry.formatted": ["cards", "ibans", "ssn"],
        "$logentry.formatted || $error.value || $breadcrumb.message": ["@creditcard:hash", "@iban:replace", "@usssn:mask"],
        "extra.note || $http.headers.authorization || $user.note || 'note' && $frame.vars.*": ["all"],
        "$object && (extra || $frame.vars)": ["pw"],
    },
}
ADVANCED_SELECTORS = {
    "rules": {},
    "applications": {
        "$http.url || $frame.abs_path": ["@urlauth:replace", "@email:replace"],
        "$http.** && !$http.headers.**": ["@anything:remove"],
        "$user.*": ["@ip:mask", "@email:mask"],
        "breadcrumbs.values.*.data.** || $breadcrumb.message": ["@anything:hash"],
        "$number": ["@anything"],
    },
}

# name → (API body of the project's settings, description)
PROFILES = {
    "safe-fields": ({"safeFields": ["password", "note", "session", "authorization"]}, "safe fields"),
    "sensitive-fields": ({"sensitiveFields": ["note", "order_id"]}, "extra sensitive fields"),
    "defaults-off": ({"dataScrubberDefaults": False, "sensitiveFields": ["note", "password"]}, "defaults off, sensitive fields"),
    "scrub-off": ({"dataScrubber": False, "sensitiveFields": ["note"]}, "data scrubbing off"),
    "ip-on": ({"scrubIPAddresses": True}, "IP addresses scrubbed"),
    "ip-only": ({"dataScrubberDefaults": False, "scrubIPAddresses": True, "safeFields": ["note"]}, "only IP addresses"),
    "adv-types": ({"dataScrubber": False, "relayPiiConfig": json.dumps(ADVANCED_TYPES)}, "each rule type"),
    "adv-redactions": ({"dataScrubberDefaults": False, "relayPiiConfig": json.dumps(ADVANCED_REDACTIONS)}, "each redaction"),
    "adv-selectors": ({"dataScrubber": False, "relayPiiConfig": json.dumps(ADVANCED_SELECTORS)}, "assorted selectors"),
    "adv-with-defaults": ({"relayPiiConfig": json.dumps(ADVANCED_TYPES)}, "advanced rules then the defaults"),
}
SHORT = ["safe-fields", "defaults-off", "ip-on", "adv-types", "adv-redactions"]


def sentry_settings(body):
    """The settings as `convert_datascrubbing_config` takes them (Sentry's defaults filled in)."""
    return {"scrubData": body.get("dataScrubber", True), "scrubDefaults": body.get("dataScrubberDefaults", True),
            "sensitiveFields": body.get("sensitiveFields", []), "excludeFields": body.get("safeFields", []),
            "scrubIpAddresses": body.get("scrubIPAddresses", False)}


class Reference:
    def __init__(self, project_id, body):
        self.normalizer = StoreNormalizer(project_id=project_id, client_ip="127.0.0.1", enable_trimming=True)
        self.configs = []
        if body.get("relayPiiConfig"):
            self.configs.append(json.loads(body["relayPiiConfig"]))
        derived = convert_datascrubbing_config(sentry_settings(body))
        if derived:
            self.configs.append(derived)

    def process(self, event):
        event = self.normalizer.normalize_event(event)
        user = event.get("user")
        if isinstance(user, dict) and user.get("ip_address") == "{{auto}}":
            # Sentry's relay puts the client's address there before it scrubs (parity.py's kept
            # difference, applied before scrubbing since these configs may scrub IP addresses).
            user["ip_address"] = "127.0.0.1"
            if user.get("sentry_user") == "ip:{{auto}}":
                user["sentry_user"] = "ip:127.0.0.1"
        for config in self.configs:
            # Sentry's relay runs the configs one after another on one event in memory, each seeing
            # the remarks before it (a range a rule redacted is not searched again). The binding
            # keeps the `_meta` it is given and adds its own, so the event goes on with its `_meta`;
            # a null without one would be dropped from its list by the binding's serializer.
            before = event
            event = pii_strip_event(config, event)
            meta = restore_revalidated(event, event.pop("_meta", None), before)
            if meta:
                event["_meta"] = meta
        return event


def restore_revalidated(event, meta, before):
    """Undo what only the binding's JSON round trip removes. `pii_strip_event` reads its input into
    Sentry's schema again, so a value an earlier config replaced with text its field no longer
    accepts (`[ip]` in `user.ip_address` after `@ip:replace`) is removed there with an `expected …`
    error. Sentry's relay runs the configs one after another on the same event in memory (its PII
    processors record remarks, never schema errors): the value stays, without the error. Such a
    removal is told apart by its `val` being the value the input held at that path. Returns `meta`
    without those entries."""
    def value_at(root, path):
        for key in path:
            if isinstance(root, dict):
                root = root.get(key)
            elif isinstance(root, list) and key.isdigit() and int(key) < len(root):
                root = root[int(key)]
            else:
                return None
        return root

    def walk(node, path):
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "" and isinstance(value, dict) and value.get("err") and "val" in value \
                    and value_at(before, path) is not None and value_at(before, path) == value["val"]:
                parent = value_at(event, path[:-1])
                if isinstance(parent, dict):
                    parent[path[-1]] = value["val"]
                elif isinstance(parent, list):
                    parent[int(path[-1])] = value["val"]
                rest = {k: v for k, v in value.items() if k not in ("err", "val")}
                if rest:
                    out[key] = rest
            elif key == "":
                out[key] = value
            else:
                child = walk(value, path + [key])
                if child:
                    out[key] = child
        return out

    return walk(meta, []) or None if meta else meta


def api(method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def extra_values():
    """Values for the advanced rules beside parity.py's patterns: name → (value, secret)."""
    mac = ":".join(f"{random.randrange(256):02x}" for _ in range(6))
    uid = "%08x-%04x-%04x-%04x-%012x" % tuple(random.getrandbits(b) for b in (32, 16, 16, 16, 48))
    user = parity.unique("usr")
    return {
        "mac": (f"nic {mac} up", mac),
        "uuid": (f"req {uid} done", uid),
        "userpath": (f"open /home/{user}/notes.txt", user),
        "imei": (f"imei 356938035643809 seen", "356938035643809"),
    }


def cases_for(short):
    cases = []
    for rule, value_maker in [("pattern", parity.pattern_values), ("pattern", extra_values)]:
        names = list(value_maker())
        for name in names:
            for location in parity.LOCATIONS:
                value, secret = value_maker()[name]
                event = parity.base_event()
                event.update(parity.place(location, "note", value))
                cases.append({"rule": f"{rule}:{name}", "location": location, "event": event, "secrets": [secret]})
    fields = ["password", "token", "order_id"] if short else ["password", "token", "session", "authorization", "order_id", "secret"]
    for name in fields:
        for location in parity.LOCATIONS:
            secret = parity.unique()
            event = parity.base_event()
            event.update(parity.place(location, name, secret))
            cases.append({"rule": f"field:{name}", "location": location, "event": event, "secrets": [secret]})
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--env-file", required=True)
    parser.add_argument("--faultline-bin", required=True, help="to create the profiles' projects")
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--profile", action="append", default=None, help="run only this profile (repeatable)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--random", type=int, default=None, help="randomized events per profile")
    parser.add_argument("--report", default=None)
    parser.add_argument("--show", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    random.seed(args.seed)
    rng = random.Random(args.seed)
    env = dict(line.strip().split("=", 1) for line in open(args.env_file) if "=" in line)
    base = parity.Faultline(env)
    profiles = args.profile or (SHORT if args.short else list(PROFILES))
    random_count = args.random if args.random is not None else (10 if args.short else 60)

    runs = []
    for name in profiles:
        body, description = PROFILES[name]
        slug = f"s-{name}"
        subprocess.run([args.faultline_bin, "admin", "create-project", base.org, slug], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        details = api("PUT", f"{base.url}/api/0/projects/{base.org}/{slug}/", base.token, body)
        for field in body:
            if details.get(field) != body[field]:
                raise SystemExit(f"settings: {slug}: {field} reads back as {details.get(field)!r}")
        keys = api("GET", f"{base.url}/api/0/projects/{base.org}/{slug}/keys/", base.token)
        if not keys:
            keys = [api("POST", f"{base.url}/api/0/projects/{base.org}/{slug}/keys/", base.token, {"name": "parity"})]
        client = parity.Faultline(dict(env, FAULTLINE_PROJECT=slug, FAULTLINE_DSN=keys[0]["dsn"]["public"]))
        reference = Reference(client.project_id, body)
        cases = cases_for(args.short) + [parity.random_event(rng, i) for i in range(random_count)]
        for case in cases:
            case["rule"] = f"{name} {case['rule']}"
            case["reference"] = reference.process(json.loads(json.dumps(case["event"])))
        runs.append((name, description, client, cases))
        print(f"settings: {slug}: {description}, {len(cases)} events", file=sys.stderr)

    started = time.time()
    for _, _, client, cases in runs:
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            statuses = list(pool.map(lambda c: client.send(c["event"]), cases))
        for case, status in zip(cases, statuses):
            case["status"] = status
    print(f"settings: sent in {time.time() - started:.1f}s", file=sys.stderr)
    deadline = time.time() + 300
    for _, _, client, cases in runs:
        pending = {c["event"]["event_id"]: c for c in cases if c["status"] == 200}
        while pending and time.time() < deadline:
            ids = list(pending)
            with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
                results = list(pool.map(client.read, ids))
            for event_id, found in zip(ids, results):
                if found is not None:
                    pending.pop(event_id)["faultline"] = found
            if pending:
                time.sleep(1)

    summary = {}
    failed = False
    for name, description, _, cases in runs:
        report = parity.compare(cases, base.stored_meta())
        missing = [c for c in cases if "faultline" not in c and c["reference"] is not None]
        summary[name] = {"description": description, "events": report["events"], "events_equal": report["events_equal"],
                         "leaks": report["leaks"], "missing": len(missing), "per_rule": report["per_rule"],
                         "per_location": report["per_location"], "meta_per_location": report["meta_per_location"],
                         "disagreements": report["disagreements"][:200], "meta_disagreements": report["meta_disagreements"][:200]}
        print(f"\n=== profile {name} ({description}) ===")
        parity.print_report(report, args.show)
        failed = failed or bool(report["leaks"]) or bool(missing)

    print("\nsettings summary (whole event equal / events, leaks):")
    for name, entry in summary.items():
        print(f"  {name:20} {parity.rate([entry['events_equal'], entry['events']]):6.1f} %  "
              f"({entry['events_equal']}/{entry['events']})  leaks {len(entry['leaks'])}  not stored {entry['missing']}")
    if args.report:
        with open(args.report, "w") as out:
            json.dump(summary, out, indent=1, ensure_ascii=False)
    if failed:
        print("settings: FAILED (leaks or events not stored)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
