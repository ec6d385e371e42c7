"""Load driver for bench/peer/compare.sh: sends pre-generated envelopes (bench/make_envelope.py --count)
as fast as possible over N HTTP/1.1 connections, then waits until the system under test has stored
them, sampling the memory of its processes all along. Prints one JSON object.

    python drive.py send --bodies FILE --url URL --key KEY [--connections 16]
                         (--pg DATABASE_URL | --sqlite DB_FILE) --pids PID[,PID...] [--timeout 900]
    python drive.py rss --pids PID[,PID...]         # current RSS and PSS of the process trees
    python drive.py record --results FILE SYSTEM RUN IDLE_JSON SEND_JSON   # print a run, append it to FILE
    python drive.py summary --results FILE          # medians per system and the ratios

- accepted: requests answered 200; accepted/s = accepted / (last answer - first send).
- processed: events stored in the system's database (PostgreSQL `SELECT count(*) FROM events`, or
  Bugsink's SQLite `SELECT count(*) FROM events_event`), polled every 0.1 s over one kept-open
  connection; processed/s = stored / (time the count reached `accepted` - first send).
- memory: RSS and PSS summed over every process in the trees rooted at --pids, every 0.25 s; the
  peak of the sum is reported (PSS counts pages shared between forked workers once).
Connections are kept alive unless the server closes them (gunicorn's sync workers answer
`Connection: close`); then the client reconnects. A failed request is counted, not retried.
"""
import argparse
import asyncio
import json
import os
import resource
import sqlite3
import struct
import time
import urllib.parse


def read_bodies(path):
    data = open(path, "rb").read()
    bodies, offset = [], 0
    while offset < len(data):
        (length,) = struct.unpack_from(">I", data, offset)
        bodies.append(data[offset + 4:offset + 4 + length])
        offset += 4 + length
    return bodies


def tree(pids):
    """All live pids in the process trees rooted at `pids` (threads are not separate entries)."""
    seen, stack = [], list(pids)
    while stack:
        pid = stack.pop()
        if pid in seen or not os.path.exists(f"/proc/{pid}"):
            continue
        seen.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return seen


def memory(pids, pss=True):
    """(RSS, PSS) in KiB summed over the process trees."""
    rss_total = pss_total = 0
    for pid in tree(pids):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss_total += int(line.split()[1])
            if pss:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss_total += int(line.split()[1])
        except OSError:
            pass
    return rss_total, pss_total


class PgCounter:
    """One psql process kept open; each count is a query on its stdin."""

    def __init__(self, url):
        self.url = url

    async def start(self):
        self.proc = await asyncio.create_subprocess_exec(
            "psql", self.url, "-Atq", "-v", "ON_ERROR_STOP=1",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def count(self):
        self.proc.stdin.write(b"SELECT count(*) FROM events;\n")
        await self.proc.stdin.drain()
        return int((await self.proc.stdout.readline()).strip())

    async def close(self):
        self.proc.stdin.close()
        await self.proc.wait()


class SqliteCounter:
    def __init__(self, path):
        self.path = path

    async def start(self):
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)

    async def count(self):
        return self.db.execute("SELECT count(*) FROM events_event").fetchone()[0]

    async def close(self):
        self.db.close()


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    close = headers.get("connection") == "close" or lines[0].startswith("HTTP/1.0")
    return status, close


async def send_all(requests, host, port, connections):
    statuses, errors, latencies = {}, [], []
    next_index = 0
    last_answer = [time.monotonic()]

    async def worker():
        nonlocal next_index
        reader = writer = None
        while next_index < len(requests):
            request = requests[next_index]
            next_index += 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                sent = time.monotonic()
                writer.write(request)
                status, close = await read_response(reader)
                now = time.monotonic()
                latencies.append(now - sent)
                last_answer[0] = now
                statuses[status] = statuses.get(status, 0) + 1
                if close:
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                errors.append(type(error).__name__)
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return statuses, errors, latencies, last_answer[0]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


async def send(args):
    url = urllib.parse.urlsplit(args.url)
    auth = f"Sentry sentry_key={args.key}, sentry_version=7, sentry_client=sentry.python/2.75.0"
    requests = []
    for body in read_bodies(args.bodies):
        head = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nX-Sentry-Auth: {auth}\r\n"
                f"Content-Type: application/x-sentry-envelope\r\nContent-Encoding: gzip\r\n"
                f"User-Agent: sentry.python/2.75.0\r\nContent-Length: {len(body)}\r\n\r\n")
        requests.append(head.encode() + body)
    pids = [int(p) for p in args.pids.split(",")]
    counter = PgCounter(args.pg) if args.pg else SqliteCounter(args.sqlite)
    await counter.start()
    if await counter.count() != 0:
        raise SystemExit("the database is not empty")

    peak = {"rss": 0, "pss": 0}
    stop = asyncio.Event()

    async def sample():
        while not stop.is_set():
            rss, pss = memory(pids)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            try:
                await asyncio.wait_for(stop.wait(), 0.25)
            except asyncio.TimeoutError:
                pass

    send_trace = []

    async def count_while_sending():
        while not sending_done.is_set():
            send_trace.append((time.monotonic(), await counter.count()))
            try:
                await asyncio.wait_for(sending_done.wait(), 0.1)
            except asyncio.TimeoutError:
                pass

    sending_done = asyncio.Event()
    sampler = asyncio.create_task(sample())
    counting = asyncio.create_task(count_while_sending())
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic()
    statuses, errors, latencies, last_answer = await send_all(requests, url.hostname, url.port, args.connections)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    sending_done.set()
    await counting
    accepted = statuses.get(200, 0)

    stored, stored_at, changed_at = 0, time.monotonic(), time.monotonic()
    trace = [(round(sample_time - start, 2), count) for sample_time, count in send_trace]
    while True:
        count = await counter.count()
        now = time.monotonic()
        if count != stored:
            stored, stored_at, changed_at = count, now, now
            trace.append((round(now - start, 2), count))
        if stored >= accepted or now - changed_at > args.stall or now - start > args.timeout:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await sampler
    await counter.close()

    send_seconds = last_answer - start
    process_seconds = stored_at - start
    print(json.dumps({
        "requests": len(requests), "accepted": accepted, "statuses": statuses,
        "errors": len(errors), "error_kinds": sorted(set(errors)),
        "send_seconds": round(send_seconds, 3), "accepted_per_s": round(accepted / send_seconds, 1),
        "stored": stored, "complete": stored >= accepted,
        "processed_seconds": round(process_seconds, 3), "processed_per_s": round(stored / process_seconds, 1),
        "latency_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "peak_rss_mb": round(peak["rss"] / 1024, 1), "peak_pss_mb": round(peak["pss"] / 1024, 1),
        "first_stored_s": next((t for t, c in trace if c > 0), None),
        "stored_when_sent": max([c for t, c in trace if t <= send_seconds] or [0]),
        "stored_trace": trace[::max(1, len(trace) // 40)] + trace[-1:],
        "client_cpu_s": round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 2),
    }))


def record(args):
    d = json.loads(args.send)
    d.update(system=args.system, run=args.run, idle=json.loads(args.idle))
    with open(args.results, "a") as f:
        f.write(json.dumps(d) + "\n")
    other = sum(v for k, v in d["statuses"].items() if k != "200")
    print(f"run {args.run} {args.system:9}: accepted {d['accepted']}/{d['requests']} ({d['accepted_per_s']}/s, "
          f"p50 {d['latency_p50_ms']} ms, p99 {d['latency_p99_ms']} ms, non-200 {other}, errors {d['errors']}), "
          f"stored {d['stored']} ({d['processed_per_s']}/s after {d['processed_seconds']} s), "
          f"peak RSS {d['peak_rss_mb']} MB (PSS {d['peak_pss_mb']}), idle RSS {d['idle']['rss_mb']} MB "
          f"(PSS {d['idle']['pss_mb']}), client CPU {d['client_cpu_s']} s", flush=True)


def summary(args):
    import statistics
    rows = [json.loads(line) for line in open(args.results)]

    def values(system, key):
        return [(r["idle"][key[5:]] if key.startswith("idle.") else r[key]) for r in rows if r["system"] == system]

    runs = len(values("faultline", "accepted"))
    print(f"\nmedians over {runs} runs each ({args.results}):")
    print(f"{'':16}{'Faultline':>12}{'Bugsink':>12}{'Faultline/Bugsink':>19}   runs (Faultline | Bugsink)")
    for label, key in [("accepted/s", "accepted_per_s"), ("processed/s", "processed_per_s"),
                       ("latency p50 ms", "latency_p50_ms"), ("latency p99 ms", "latency_p99_ms"),
                       ("peak RSS MB", "peak_rss_mb"), ("peak PSS MB", "peak_pss_mb"),
                       ("idle RSS MB", "idle.rss_mb"), ("idle PSS MB", "idle.pss_mb"),
                       ("client CPU s", "client_cpu_s")]:
        f, b = values("faultline", key), values("bugsink", key)
        mf, mb = statistics.median(f), statistics.median(b)
        ratio = f"{mf / mb:.2f}x" if mb else "-"
        print(f"{label:16}{mf:>12}{mb:>12}{ratio:>19}   {' / '.join(map(str, f))} | {' / '.join(map(str, b))}")
    incomplete = [f"{r['system']} run {r['run']}" for r in rows if not r["complete"] or r["accepted"] != r["requests"]]
    if incomplete:
        print("not every event accepted and stored in:", ", ".join(incomplete))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--bodies", required=True)
    s.add_argument("--url", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--connections", type=int, default=16)
    s.add_argument("--pg")
    s.add_argument("--sqlite")
    s.add_argument("--pids", required=True)
    s.add_argument("--timeout", type=float, default=900, help="give up waiting for the stored count after this")
    s.add_argument("--stall", type=float, default=120, help="give up when the count has not moved for this long")
    r = sub.add_parser("rss")
    r.add_argument("--pids", required=True)
    c = sub.add_parser("record")
    c.add_argument("--results", required=True)
    c.add_argument("system")
    c.add_argument("run", type=int)
    c.add_argument("idle")
    c.add_argument("send")
    m = sub.add_parser("summary")
    m.add_argument("--results", required=True)
    args = parser.parse_args()
    if args.command == "record":
        record(args)
    elif args.command == "summary":
        summary(args)
    elif args.command == "rss":
        rss, pss = memory([int(p) for p in args.pids.split(",")])
        print(json.dumps({"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1),
                          "processes": len(tree([int(p) for p in args.pids.split(",")]))}))
    else:
        asyncio.run(send(args))


if __name__ == "__main__":
    main()
