"""End-to-end latency: HTTP 200 from the relay → the event's issue visible in the issue API.

Against a running stack (./deploy/dev.sh), sends `--probes` events one after another, each with a
unique message (so each makes a new issue), and polls the issue list searching for that message
until it appears. Reports p50/p99/max, and as a reference the round-trip of the poll request
itself, measured in the same run (the resolution of the measurement).

    set -a; source .faultline/dev.env; set +a
    python3 bench/e2e_latency.py --probes 200

With --duration S it probes for S seconds (while bench/load.py loads the stack:
bench/e2e_under_load.sh, bench/soak.sh); --csv FILE records every probe.
"""
import argparse
import gzip
import json
import os
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


def envelope(event_id, message):
    # Messages are parameterized when grouped (the hex marker would become <hex> and every probe
    # would join the first probe's issue): the fingerprint makes each probe its own issue.
    event = {"event_id": event_id, "message": message, "level": "error", "platform": "python",
             "timestamp": time.time(), "fingerprint": [message]}
    body = "\n".join([json.dumps({"event_id": event_id}), json.dumps({"type": "event"}), json.dumps(event)])
    return gzip.compress(body.encode())


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--duration", type=float, default=0,
                        help="probe for this many seconds instead of --probes times")
    parser.add_argument("--timeout", type=float, default=30, help="a probe not visible after this is counted lost")
    parser.add_argument("--csv", help="write one row per probe (elapsed s, e2e ms, last poll round trip ms) here")
    args = parser.parse_args()
    dsn = urllib.parse.urlsplit(os.environ["FAULTLINE_DSN"])
    base = os.environ["FAULTLINE_URL"]
    token = os.environ["FAULTLINE_TOKEN"]
    org, project = os.environ["FAULTLINE_ORG"], os.environ["FAULTLINE_PROJECT"]
    ingest = f"{dsn.scheme}://{dsn.hostname}:{dsn.port}/api{dsn.path}/envelope/"
    auth = f"Sentry sentry_key={dsn.username}, sentry_version=7, sentry_client=faultline-bench/1"

    latencies, poll_rtts, lost, refused = [], [], 0, 0
    rows = open(args.csv, "w") if args.csv else None
    if rows:
        rows.write("elapsed_s,e2e_ms,poll_ms\n")
    started = time.monotonic()
    probe = 0
    while (time.monotonic() - started < args.duration) if args.duration else (probe < args.probes):
        probe += 1
        marker = uuid.uuid4().hex
        event_id = uuid.uuid4().hex
        request = urllib.request.Request(ingest, data=envelope(event_id, f"latency probe {marker}"), method="POST",
                                         headers={"X-Sentry-Auth": auth, "Content-Encoding": "gzip",
                                                  "Content-Type": "application/x-sentry-envelope"})
        try:
            with urllib.request.urlopen(request) as response:
                assert response.status == 200, response.status
        except urllib.error.HTTPError as error:
            # 503: the relay refused it (e.g. the embedded broker's backlog guard). Not an e2e
            # latency; counted apart, and the next probe waits the Retry-After.
            if error.code != 503:
                raise
            refused += 1
            time.sleep(float(error.headers.get("Retry-After") or 1))
            continue
        acknowledged = time.monotonic()
        query = urllib.parse.urlencode({"query": marker, "statsPeriod": "1h"})
        url = f"{base}/api/0/projects/{org}/{project}/issues/?{query}"
        while True:
            sent = time.monotonic()
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})) as r:
                found = json.load(r)
            poll_rtts.append(time.monotonic() - sent)
            if found:
                latencies.append(time.monotonic() - acknowledged)
                if rows:
                    rows.write(f"{time.monotonic() - started:.2f},{latencies[-1] * 1000:.2f},{poll_rtts[-1] * 1000:.2f}\n")
                    rows.flush()
                break
            if time.monotonic() - acknowledged > args.timeout:
                lost += 1  # counted, not in the percentiles; the next probe goes on
                if rows:
                    rows.write(f"{time.monotonic() - started:.2f},lost,{poll_rtts[-1] * 1000:.2f}\n")
                break

    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    print(f"probes={len(latencies)} lost={lost} refused={refused}")
    if latencies:
        print(f"e2e latency  p50={ms(statistics.median(latencies))} p99={ms(percentile(latencies, 0.99))} max={ms(max(latencies))}")
    print(f"reference: issue-list poll round trip  p50={ms(statistics.median(poll_rtts))} p99={ms(percentile(poll_rtts, 0.99))}")


if __name__ == "__main__":
    main()
