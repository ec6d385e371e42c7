"""Load generator for the relay: sends event envelopes from a corpus (bench/make_corpus.py) over
N keep-alive HTTP/1.1 connections, each send with its own event id, gzip-compressed as the SDK
sends them; at a fixed rate (--rate) or as fast as it can (--rate 0). Reports accepted/s, the
count of each status code, and latency p50/p99/max; --record FILE writes "event_id status seconds"
per send, seconds counted from the start of the run to the send (deploy/chaos.sh uses it to prove
every 200 was stored exactly once, and to tell which fault each error status belongs to); --csv FILE
writes accepted/s and latency p50/p99 every --interval seconds (bench/soak.sh). SIGTERM ends the run
early: sending stops, the sends under way finish, and the summary and the record are complete
(deploy/kill.sh stops its load that way once its kills are done).

    set -a; source .faultline/dev.env; set +a
    python3 bench/load.py --corpus .faultline/corpus --rate 1000 --duration 30 --connections 16
"""
import argparse
import asyncio
import gzip
import os
import re
import signal
import statistics
import sys
import time
import urllib.parse
import uuid

ID = re.compile(rb'"event_id"\s*:\s*"([0-9a-f]{32})"')


def load_corpus(path):
    templates = []
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), "rb") as handle:
            body = handle.read()
        match = ID.search(body)
        if match:
            templates.append((body, match.group(1)))
    if not templates:
        sys.exit(f"no envelopes with an event_id in {path}")
    return templates


def simple_template():
    body = (b'{"event_id":"00000000000000000000000000000000"}\n{"type":"event"}\n'
            b'{"event_id":"00000000000000000000000000000000","message":"load test","level":"error","platform":"python"}\n')
    return [(body, b"00000000000000000000000000000000")]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


class Stats:
    def __init__(self, record):
        self.statuses = {}
        self.latencies = []
        self.record = record
        self.origin = time.perf_counter()
        self.window = []  # (status, latency) since the last --interval row

    def add(self, event_id, status, started, latency):
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)
        self.window.append((status, latency))
        if self.record:
            self.record.write(f"{event_id} {status} {started - self.origin:.3f}\n")


async def connection(host, port, path, auth, templates, queue, stats, counter):
    reader = writer = None
    while True:
        slot = await queue.get()
        if slot is None:
            break
        body, original = templates[counter[0] % len(templates)]
        counter[0] += 1
        event_id = uuid.uuid4().hex
        payload = gzip.compress(body.replace(original, event_id.encode()), compresslevel=6)
        request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-Sentry-Auth: {auth}\r\n"
                   f"Content-Type: application/x-sentry-envelope\r\nContent-Encoding: gzip\r\n"
                   f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
        started = time.perf_counter()
        status = 0
        for _attempt in range(2):
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                if b"connection: close" in head.lower():
                    writer.close()
                    writer = None
                break
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                writer = None
                status = 0
        stats.add(event_id, status, started, time.perf_counter() - started)


async def report_intervals(args, stats, started):
    """Every --interval seconds, one CSV row for the sends answered in that window."""
    with open(args.csv, "w") as out:
        out.write("elapsed_s,answered,accepted_per_s,non_200,p50_ms,p99_ms\n")
        last = started
        while True:
            await asyncio.sleep(args.interval)
            now = time.perf_counter()
            window, stats.window = stats.window, []
            ms = [latency * 1000 for _, latency in window]
            accepted = sum(1 for status, _ in window if status == 200)
            out.write(f"{now - started:.1f},{len(window)},{accepted / (now - last):.1f},{len(window) - accepted},"
                      f"{percentile(ms, 0.5):.2f},{percentile(ms, 0.99):.2f}\n")
            out.flush()
            last = now


async def run(args):
    dsn = urllib.parse.urlsplit(args.dsn)
    key = dsn.username
    project = dsn.path.strip("/").split("/")[-1]
    host, port = (args.host or dsn.hostname), (args.port or dsn.port or 80)
    path = f"/api/{project}/envelope/"
    auth = f"Sentry sentry_key={key}, sentry_version=7, sentry_client=faultline-load/1"
    templates = load_corpus(args.corpus) if args.corpus else simple_template()
    record = open(args.record, "w") if args.record else None
    stats = Stats(record)
    queue = asyncio.Queue(maxsize=args.connections * 4)
    counter = [0]
    stats.origin = time.perf_counter()
    if args.origin:  # count the recorded seconds from this Unix time (another clock's zero)
        stats.origin -= time.time() - args.origin
    workers = [asyncio.create_task(connection(host, port, path, auth, templates, queue, stats, counter))
               for _ in range(args.connections)]
    started = time.perf_counter()
    reporter = asyncio.create_task(report_intervals(args, stats, started)) if args.csv else None
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    sent = 0
    while time.perf_counter() - started < args.duration and not stop.is_set():
        if args.rate > 0:
            due = started + sent / args.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await queue.put(1)
        sent += 1
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers)
    if reporter:
        reporter.cancel()
    elapsed = time.perf_counter() - started
    if record:
        record.close()
    accepted = stats.statuses.get(200, 0)
    ms = [latency * 1000 for latency in stats.latencies]
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(stats.statuses.items()))
    print(f"sent {sent} in {elapsed:.1f} s: accepted {accepted / elapsed:.0f}/s ({statuses}); "
          f"latency p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, max {max(ms, default=0):.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", default=os.environ.get("FAULTLINE_DSN"))
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--corpus")
    parser.add_argument("--rate", type=float, default=0, help="events per second; 0 = as fast as possible")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--record")
    parser.add_argument("--origin", type=float, help="Unix time the recorded seconds count from (default: the start)")
    parser.add_argument("--csv", help="write one row per --interval (accepted/s, p50, p99) to this file")
    parser.add_argument("--interval", type=float, default=10)
    args = parser.parse_args()
    if not args.dsn:
        sys.exit("give --dsn or set FAULTLINE_DSN")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
