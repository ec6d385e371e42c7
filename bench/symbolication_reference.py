"""The reference for bench/symbolication.sh: getsentry's `symbolic` (PyPI) on the same source map
and positions: parse time, lookups/s, and per-event work like the stage's core (20 lookups, each
with the five lines of context around it from the source's lines, split once per source and
kept). It does less than the stage (no JSON rewriting, no function-name scan, no module or
URL work), so it flatters the reference. Prints key=value figures."""
import sys
import time

from symbolic.sourcemap import SourceMapView

map_path, positions_path = sys.argv[1], sys.argv[2]
budget = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
data = open(map_path, "rb").read()
positions = [tuple(int(x) for x in line.split()) for line in open(positions_path) if line.strip()]

times = []
for _ in range(7):
    start = time.perf_counter()
    view = SourceMapView.from_json_bytes(data)
    times.append(time.perf_counter() - start)
parse_ms = sorted(times)[len(times) // 2] * 1000


def rate(count, body):
    done, elapsed = 0, 0.0
    while elapsed < budget:
        start = time.perf_counter()
        body()
        elapsed += time.perf_counter() - start
        done += count
    return done / elapsed


def lookups():
    for line, column in positions:
        view.lookup(line - 1, column - 1)


lines_by_source = {}


def events():
    # 100 events of 20 frames: lookup, then pre/context/post lines from the source's lines
    # (split once per source and kept, as a warm cache would).
    for index in range(100):
        for k in range(20):
            line, column = positions[(index * 20 + k) % len(positions)]
            token = view.lookup(line - 1, column - 1)
            if token is None:
                continue
            lines = lines_by_source.get(token.src_id)
            if lines is None:
                source = view.get_sourceview(token.src_id)
                lines = source.get_source().splitlines() if source is not None else []
                lines_by_source[token.src_id] = lines
            _ = (lines[max(0, token.src_line - 5):token.src_line], lines[token.src_line:token.src_line + 1],
                 lines[token.src_line + 1:token.src_line + 6], token.function_name, token.name)


print("symbolic_parse_ms=%.1f symbolic_lookups_per_s=%.0f symbolic_events_per_s=%.0f" % (
    parse_ms, rate(len(positions), lookups), rate(100, events)))
