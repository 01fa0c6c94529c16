#!/usr/bin/env bash
# `make bench`: the queue benchmark (Blumpo's workers against pgqueuer on one PostgreSQL), the
# ledger, analytics and extraction benchmarks, the HTTP load test (scripts/bench-http.sh), then
# rendering. Every comparison runs its baseline in the same run, alternating with ours after a
# warm-up. BENCH_ONLY=analytics (or extraction, http, render) runs one of them alone.
#
# Sizes for a short run (CI): BENCH_SECONDS (HTTP runs, and the ledger's when shorter than 10 s),
# BENCH_TASKS (queue drain, default 50,000), BENCH_REPEATS (measured runs per side, default 2);
# see scripts/bench-http.sh and Benchmarks/ for the others.
set -euo pipefail
cd "$(dirname "$0")/.."
only=${BENCH_ONLY:-}
case "$only" in
    "" | analytics | extraction | http | render) ;;
    *) echo "bench: BENCH_ONLY=$only is not one of analytics, extraction, http, render" >&2; exit 2 ;;
esac
scripts/setup.sh
python3 -c "import pgqueuer, asyncpg" 2>/dev/null || python3 -m pip install --quiet "pgqueuer[asyncpg]"
python3 -c "import pyvips" 2>/dev/null || python3 -m pip install --quiet pyvips
swift build -c release --product blumpo-bench
if [[ -z "$only" || "$only" == "http" ]]; then swift build -c release --product blumpo; fi
if [[ -z "$only" || "$only" == "analytics" || "$only" == "extraction" ]]; then .build/release/blumpo-bench; fi
if [[ -z "$only" || "$only" == "http" ]]; then scripts/bench-http.sh; fi
# Rendering in its own process, on one core, so its peak memory is its own.
if [[ -z "$only" || "$only" == "render" ]]; then BENCH_ONLY=render VIPS_CONCURRENCY=1 .build/release/blumpo-bench; fi
