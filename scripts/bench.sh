#!/usr/bin/env bash
# `make bench`: the queue benchmark (Blumpo's workers against pgqueuer on one PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 -c "import pgqueuer, asyncpg" 2>/dev/null || python3 -m pip install --quiet "pgqueuer[asyncpg]"
swift build -c release --product blumpo-bench
.build/release/blumpo-bench
