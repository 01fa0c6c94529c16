#!/usr/bin/env bash
# `make bench`: the queue benchmark (Blumpo's workers against pgqueuer on one PostgreSQL), the
# ledger, extraction and analytics benchmarks, then rendering. BENCH_ONLY=analytics (or extraction,
# render) runs one of them alone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 -c "import pgqueuer, asyncpg" 2>/dev/null || python3 -m pip install --quiet "pgqueuer[asyncpg]"
python3 -c "import pyvips" 2>/dev/null || python3 -m pip install --quiet pyvips
swift build -c release --product blumpo-bench
if [[ "${BENCH_ONLY:-}" != "render" ]]; then .build/release/blumpo-bench; fi
# Rendering in its own process, on one core, so its peak memory is its own.
if [[ -z "${BENCH_ONLY:-}" || "${BENCH_ONLY:-}" == "render" ]]; then BENCH_ONLY=render VIPS_CONCURRENCY=1 .build/release/blumpo-bench; fi
