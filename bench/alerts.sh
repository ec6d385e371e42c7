#!/usr/bin/env bash
# Alert delivery latency (issue #18): `faultline dev` (relay + processor with its outbox
# deliverer + query, embedded broker) on its own database; bench/alerts_latency.py sends RATE
# events/s for SECONDS, each a new issue that a "new issue → webhooks" rule notifies, and
# measures the relay's 200 → the webhook's arrival at a receiver in the same process (p50/p99),
# with the relay round trip and a loopback POST as references from the same run.
#   ./bench/alerts.sh [RATE=100] [SECONDS=30]
# FAULTLINE_BIN: the binary to run (default the release build; SKIP_BUILD=1 to not build it).
set -euo pipefail
export FAULTLINE_DATABASE_URL="${FAULTLINE_DATABASE_URL:-postgresql://faultline@127.0.0.1:${PG_PORT:-5433}/faultline_alerts_bench}"
DEV_PORT="${DEV_PORT:-7720}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIN="${FAULTLINE_BIN:-$BIN}"
RATE="${1:-100}"; SECONDS_PER_RUN="${2:-30}"
bench_bootstrap
start_dev
trap 'kill $DEV 2>/dev/null || true' EXIT
python3 bench/alerts_latency.py --rate "$RATE" --duration "$SECONDS_PER_RUN" --receiver-port "$((DEV_PORT + 10))"
echo "load average $(loadavg)"
