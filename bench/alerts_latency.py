"""Alert delivery latency: the relay's HTTP 200 for an event → its webhook's arrival.

Against a running stack (bench/alerts.sh starts one): creates a "new issue → webhooks" rule and
points the project's WebHooks plugin at a receiver in this process, then sends events at --rate
per second for --duration seconds, each its own new issue (a unique fingerprint), so each fires
once. The receiver notes when each event's notification arrives (by the payload's event id);
both times are read from this process's monotonic clock. Reports p50/p99/max, how many arrived,
duplicates (by Idempotency-Key), and as references in the same run the relay's own round trip
for the sends and a loopback POST to the receiver.
"""
import argparse
import gzip
import json
import os
import statistics
import threading
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

arrivals, keys, lock = {}, [], threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        now = time.monotonic()
        event_id = (json.loads(body or b"{}").get("event") or {}).get("event_id", "")
        with lock:
            arrivals.setdefault(event_id.replace("-", ""), now)
            keys.append(self.headers.get("Idempotency-Key"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def api(base, token, method, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--receiver-port", type=int, default=7730)
    parser.add_argument("--wait", type=float, default=30, help="how long to wait for the last notifications")
    args = parser.parse_args()
    dsn = urllib.parse.urlsplit(os.environ["FAULTLINE_DSN"])
    base, token = os.environ["FAULTLINE_URL"], os.environ["FAULTLINE_TOKEN"]
    org, project = os.environ["FAULTLINE_ORG"], os.environ["FAULTLINE_PROJECT"]
    ingest = f"{dsn.scheme}://{dsn.hostname}:{dsn.port}/api{dsn.path}/envelope/"
    auth = f"Sentry sentry_key={dsn.username}, sentry_version=7, sentry_client=faultline-bench/1"

    server = ThreadingHTTPServer(("127.0.0.1", args.receiver_port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{args.receiver_port}/hook"
    api(base, token, "PUT", f"/api/0/projects/{org}/{project}/plugins/webhooks/", {"urls": hook})
    api(base, token, "POST", f"/api/0/projects/{org}/{project}/rules/", {
        "name": f"bench {uuid.uuid4().hex[:8]}", "frequency": 5,
        "conditions": [{"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}],
        "actions": [{"id": "sentry.rules.actions.notify_event_service.NotifyEventServiceAction", "service": "webhooks"}]})

    # Reference: a loopback POST to the receiver from here (what the measurement itself costs).
    loopback = []
    for _ in range(50):
        started = time.monotonic()
        urllib.request.urlopen(urllib.request.Request(hook, data=b"{}", method="POST")).read()
        loopback.append(time.monotonic() - started)
    with lock:
        arrivals.clear()
        keys.clear()

    acknowledged, round_trips = {}, []

    def send(event_id):
        marker = uuid.uuid4().hex
        event = {"event_id": event_id, "message": f"alert probe {marker}", "level": "error", "platform": "python",
                 "timestamp": time.time(), "fingerprint": [marker]}
        body = "\n".join([json.dumps({"event_id": event_id}), json.dumps({"type": "event"}), json.dumps(event)])
        request = urllib.request.Request(ingest, data=gzip.compress(body.encode()), method="POST",
                                         headers={"X-Sentry-Auth": auth, "Content-Encoding": "gzip",
                                                  "Content-Type": "application/x-sentry-envelope"})
        started = time.monotonic()
        with urllib.request.urlopen(request) as response:
            assert response.status == 200, response.status
        done = time.monotonic()
        with lock:
            acknowledged[event_id] = done
            round_trips.append(done - started)

    total = int(args.rate * args.duration)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for i in range(total):
            delay = started + i / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, uuid.uuid4().hex)
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        with lock:
            if all(event_id in arrivals for event_id in acknowledged):
                break
        time.sleep(0.1)
    with lock:
        latencies = [arrivals[e] - t for e, t in acknowledged.items() if e in arrivals]
        duplicates = len(keys) - len(set(keys))
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    print(f"events={len(acknowledged)} notified={len(latencies)} missing={len(acknowledged) - len(latencies)} "
          f"duplicates={duplicates} rate={args.rate:.0f}/s for {args.duration:.0f} s")
    if latencies:
        print(f"200 → webhook  p50={ms(statistics.median(latencies))} p99={ms(percentile(latencies, 0.99))} max={ms(max(latencies))}")
    print(f"reference: relay round trip p50={ms(statistics.median(round_trips))} p99={ms(percentile(round_trips, 0.99))}; "
          f"loopback POST to the receiver p50={ms(statistics.median(loopback))} p99={ms(percentile(loopback, 0.99))}")
    server.shutdown()


if __name__ == "__main__":
    main()
