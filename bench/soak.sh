#!/usr/bin/env bash
# Soak: `faultline dev` (release, embedded broker, own database) loaded by bench/load.py at RATE
# events/s (corpus of real sentry-sdk envelopes, each send its own event id) for MINUTES, while
# bench/e2e_latency.py probes HTTP 200 → visible in the issue API one probe after another.
# Every 10 s: RSS of `faultline dev`, events stored, the load generator's accepted/s and relay
# latency p50/p99, the probes' e2e p50/p99 and the load average, joined into
# .faultline/soak-<date>.csv; the summary compares the first and the last minute.
# Without RATE: first measures the pipeline's maximum — 30 s of load.py as fast as it goes, and
# the rate the processor stores events meanwhile (the slope of `count(*) FROM events` from 5 s on);
# the maximum is the smaller of the two — and soaks at 70 % of it.
#   ./bench/soak.sh [MINUTES=10] [RATE]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MINUTES="${1:-10}"; RATE="${2:-}"
bench_bootstrap
bench_corpus
start_dev
SAMPLER=""; LOAD=""
trap 'kill $LOAD $SAMPLER $DEV 2>/dev/null || true' EXIT

if [ -z "$RATE" ]; then
    settle
    base=$(stored_events)
    python3 bench/load.py --corpus "$STATE/corpus" --rate 0 --duration 30 --connections 16 > "$STATE/soak-max.out" & LOAD=$!
    : > "$STATE/soak-max.samples"
    for t in $(seq 0 30); do echo "$t $(( $(stored_events) - base ))" >> "$STATE/soak-max.samples"; sleep 1; done
    wait $LOAD; LOAD=""
    relay_max=$(load_fields "$(cat "$STATE/soak-max.out")" | awk '{print $1}')
    stored_max=$(awk '$1 == 5 {a = $2; ta = $1} {b = $2; tb = $1} END {printf "%.0f", (b - a) / (tb - ta)}' "$STATE/soak-max.samples")
    max=$(( relay_max < stored_max ? relay_max : stored_max ))
    RATE=$(( max * 7 / 10 ))
    echo "pipeline maximum: relay accepted $relay_max/s (load.py as fast as it goes, 16 connections), processor stored $stored_max/s meanwhile → maximum $max/s, soak at 70 % = $RATE/s; load average $(loadavg)"
    settle
fi

DATE=$(date -u +%Y%m%dT%H%M%SZ)
SECONDS_TOTAL=$((MINUTES * 60))
base=$(stored_events)
( start=$(date +%s.%N)
  echo "elapsed_s,rss_kb,stored,loadavg"
  while sleep 10; do
      echo "$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN{printf "%.1f", n-s}'),$(ps -o rss= -p "$DEV" | tr -d ' '),$(( $(stored_events) - base )),$(loadavg)"
  done ) > "$STATE/soak-rss.csv" & SAMPLER=$!
python3 bench/load.py --corpus "$STATE/corpus" --rate "$RATE" --duration "$SECONDS_TOTAL" --connections 16 \
    --csv "$STATE/soak-load.csv" --interval 10 > "$STATE/soak-load.out" & LOAD=$!
python3 bench/e2e_latency.py --duration "$((SECONDS_TOTAL - 2))" --timeout 30 --csv "$STATE/soak-e2e.csv" > "$STATE/soak-e2e.out"
wait $LOAD; LOAD=""
sleep 10; kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null || true; SAMPLER=""
accepted=$(load_fields "$(cat "$STATE/soak-load.out")" | awk '{print $2}')
probes=$(($(grep -vc lost "$STATE/soak-e2e.csv") - 1))
settle
missing=$(( base + accepted + probes - $(stored_events) ))

python3 - "$STATE" "$DATE" "$RATE" "$missing" <<'PY'
import csv, sys
state, date, rate, missing = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rss = list(csv.DictReader(open(f"{state}/soak-rss.csv")))
load = list(csv.DictReader(open(f"{state}/soak-load.csv")))
probes = list(csv.DictReader(open(f"{state}/soak-e2e.csv")))
def q(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))] if values else float("nan")
def window(rows, lo, hi):
    return [r for r in rows if lo < float(r["elapsed_s"]) <= hi]
out = f"{state}/soak-{date}.csv"
with open(out, "w") as f:
    f.write("elapsed_s,rss_mb,stored_per_s,accepted_per_s,relay_p50_ms,relay_p99_ms,e2e_p50_ms,e2e_p99_ms,e2e_probes,e2e_lost,loadavg\n")
    previous_t, previous_stored = 0.0, 0
    for r in rss:
        t = float(r["elapsed_s"])
        l = window(load, t - 10, t)
        e = window(probes, t - 10, t)
        ok = [float(p["e2e_ms"]) for p in e if p["e2e_ms"] != "lost"]
        stored = int(r["stored"])
        f.write(f"{t:.0f},{int(r['rss_kb']) / 1024:.1f},{(stored - previous_stored) / (t - previous_t):.0f},"
                f"{l[0]['accepted_per_s'] if l else ''},{l[0]['p50_ms'] if l else ''},{l[0]['p99_ms'] if l else ''},"
                f"{q(ok, 0.5):.1f},{q(ok, 0.99):.1f},{len(ok)},{len(e) - len(ok)},{r['loadavg']}\n")
        previous_t, previous_stored = t, stored
end = max(float(r["elapsed_s"]) for r in load)
def summary(label, lo, hi):
    r = [int(x["rss_kb"]) / 1024 for x in window(rss, lo, hi)]
    l = window(load, lo, hi)
    ok = [float(p["e2e_ms"]) for p in window(probes, lo, hi) if p["e2e_ms"] != "lost"]
    lost = sum(1 for p in window(probes, lo, hi) if p["e2e_ms"] == "lost")
    acc = sum(float(x["accepted_per_s"]) for x in l) / max(1, len(l))
    print(f"{label}: RSS {min(r):.0f}–{max(r):.0f} MB; accepted {acc:.0f}/s; relay p50 {q([float(x['p50_ms']) for x in l], 0.5):.1f} ms "
          f"p99 {q([float(x['p99_ms']) for x in l], 0.5):.1f} ms (medians of 10 s windows); e2e p50 {q(ok, 0.5):.1f} ms "
          f"p99 {q(ok, 0.99):.1f} ms ({len(ok)} probes, {lost} lost)")
print(f"soak at {rate} events/s for {end:.0f} s → {out}")
summary("first minute", 0, 60)
summary("last minute ", end - 60, end)
print(f"accepted but not stored after the load: {missing}")
PY
tail -2 "$STATE/soak-e2e.out"; cat "$STATE/soak-load.out"
