#!/usr/bin/env bash
# The HTTP load part of `make bench` (alone: BENCH_ONLY=http make bench).
#
# Starts the release `blumpo serve` on a loopback port with a fresh data directory (embedded
# PostgreSQL, migrated and seeded; no background workers, so the API alone is measured), signs
# users in the way a client does (code requested through the API, read from the queued email,
# verified through the API), gives them a brand and a library by SQL (Benchmarks/http/fixture.sql),
# then drives five endpoints with wrk at each concurrency, alternating with `pgbench -S` on the
# same PostgreSQL. Every measured run is repeated (twice by default) after a warm-up and the
# median is printed.
#
# Sizes (all bounded): BENCH_SECONDS (per run, default 30, 1–600), BENCH_WARMUP_SECONDS (default
# min(5, BENCH_SECONDS)), BENCH_REPEATS (default 2, 1–9), BENCH_HTTP_USERS (default 16, 1–25: the
# server allows 30 code requests per client address and hour), BENCH_HTTP_CONNECTIONS (default
# "64 256"), BENCH_HTTP_THREADS (wrk and pgbench threads, default 2). BENCH_KEEP=1 keeps the data
# directory; BENCH_BLUMPO names another blumpo binary to measure. BENCH_HTTP_PROFILE=1 skips the matrix and instead records a CPU profile (perf) of
# the whole machine while GET /api/v1/me runs at the first concurrency, and prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bounded() { # NAME VALUE MIN MAX
    if ! [[ "$2" =~ ^[0-9]+$ ]] || (( $2 < $3 || $2 > $4 )); then
        echo "bench-http: $1=$2 must be a whole number from $3 to $4" >&2
        exit 2
    fi
}
seconds=${BENCH_SECONDS:-30}
bounded BENCH_SECONDS "$seconds" 1 600
warmup=${BENCH_WARMUP_SECONDS:-$(( seconds < 5 ? seconds : 5 ))}
bounded BENCH_WARMUP_SECONDS "$warmup" 1 600
repeats=${BENCH_REPEATS:-2}
bounded BENCH_REPEATS "$repeats" 1 9
users=${BENCH_HTTP_USERS:-16}
bounded BENCH_HTTP_USERS "$users" 1 25
threads=${BENCH_HTTP_THREADS:-2}
bounded BENCH_HTTP_THREADS "$threads" 1 64
read -r -a concurrencies <<<"${BENCH_HTTP_CONNECTIONS:-64 256}"
for c in "${concurrencies[@]}"; do bounded BENCH_HTTP_CONNECTIONS "$c" 1 4096; done
profile=${BENCH_HTTP_PROFILE:-0}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null 2>&1; then
    echo "bench-http: installing wrk"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
fi
if [[ "$profile" == "1" ]] && ! command -v perf >/dev/null 2>&1; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf
fi

# BENCH_BLUMPO: another build of the binary, to compare two versions on the same machine.
binary=${BENCH_BLUMPO:-.build/release/blumpo}
[[ -x "$binary" ]] || swift build -c release --product blumpo

# A fresh data directory under /tmp, world-readable (a root-run blumpo hands the cluster to an
# unprivileged account, which must reach it).
data=$(mktemp -d /tmp/blumpo-bench-http.XXXXXX)
chmod 755 "$data"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 600); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [[ "${BENCH_KEEP:-0}" == "1" ]]; then echo "bench-http: data kept in $data"; else rm -rf "$data"; fi
}
trap cleanup EXIT

BLUMPO_DATA_DIR="$data" BLUMPO_PORT="$port" "$binary" serve --seed --no-workers >"$data/server.log" 2>&1 &
server_pid=$!
ready=false
for _ in $(seq 1 1800); do
    if curl -sf -o /dev/null "$base/readyz"; then ready=true; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if ! $ready; then
    echo "bench-http: the server did not become ready; its log:" >&2
    tail -n 40 "$data/server.log" >&2
    exit 1
fi

pg_port=$(cat "$data/postgres/port")
export PGPASSWORD
PGPASSWORD=$(cat "$data/postgres/password")
pg_version=$(cat "$data/postgres/data/PG_VERSION")
pgbench=/usr/lib/postgresql/$pg_version/bin/pgbench
[[ -x "$pgbench" ]] || pgbench=$(command -v pgbench)
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U blumpo -d "${DB:-blumpo}" "$@"; }

# Users signed in the way a client signs in.
users_file="$data/users.txt"
: >"$users_file"
json_field() { python3 -c 'import json, sys; v = json.load(sys.stdin); print(eval("v" + sys.argv[1]))' "$1"; }
for i in $(seq 1 "$users"); do
    email="load-$i@bench.test"
    curl -sf -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$email\"}" "$base/api/v1/auth/otp" >/dev/null
    code=$(sql -tA -c "SELECT substring(payload->>'text' from '[0-9]{6}') FROM queue_task WHERE kind = 'email.send' AND payload->>'to' = '$email' ORDER BY id DESC LIMIT 1")
    [[ "$code" =~ ^[0-9]{6}$ ]] || { echo "bench-http: no emailed code for $email" >&2; exit 1; }
    token=$(curl -sf -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"code\":\"$code\"}" "$base/api/v1/auth/otp/verify" | json_field '["token"]')
    curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/me"
    echo "$token" >>"$users_file.tokens"
done
sql -f Benchmarks/http/fixture.sql >/dev/null
while read -r token; do
    brand=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/brands" | json_field '["items"][0]["id"]')
    images=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/ad-images" | json_field '["items"].__len__()')
    [[ "$images" == "30" ]] || { echo "bench-http: the library page holds $images images, not 30" >&2; exit 1; }
    echo "$token $brand" >>"$users_file"
done <"$users_file.tokens"
price=$(sql -tA -c "SELECT base_cost_tokens FROM generation_pricing WHERE is_active")

names=("GET /healthz" "GET /api/v1/me" "GET /api/v1/brands" "GET /api/v1/ad-images" "POST /api/v1/generation-jobs")
job_body='{"brand_id":"{brand}","archetype_code":"problem_solution","formats":["square"]}'

# wrk NAME CONNECTIONS SECONDS → the RESULT line
run_wrk() {
    local method=${1%% *} path=${1#* } users_arg=$users_file body=""
    [[ "$path" == "/healthz" ]] && users_arg=""
    [[ "$method" == "POST" ]] && body=$job_body
    BENCH_WRK_METHOD=$method BENCH_WRK_PATH=$path BENCH_WRK_BODY=$body BENCH_WRK_USERS=$users_arg \
        wrk -t "$threads" -c "$2" -d "${3}s" --timeout 10s --latency -s Benchmarks/http/load.lua "$base" | grep '^RESULT ' | cut -d' ' -f2-
}

# The pool the server's requests share: PostgreSQL backends the server holds after a warm-up.
server_connections() {
    sql -tA -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'blumpo' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
}

rss() { awk -v key="$1:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }

if [[ "$profile" == "1" ]]; then
    c=${concurrencies[0]}
    run_wrk "GET /api/v1/me" "$c" "$warmup" >/dev/null
    out="$data/perf.data"
    if perf stat -e instructions true 2>&1 | grep -q "not supported"; then event=cpu-clock; else event=cycles; fi
    # Only this server and its PostgreSQL (postmaster and backends; the pool's connections are
    # open after the warm-up): the machine may be running other programs of the same names.
    postmaster=$(head -n 1 "$data/postgres/data/postmaster.pid")
    pids="$server_pid,$postmaster$(pgrep -P "$postmaster" | sed 's/^/,/' | tr -d '\n')"
    echo "profile: perf record -g -e $event of blumpo serve and its PostgreSQL during GET /api/v1/me at $c connections for ${seconds}s"
    perf record -g -e "$event" -F 999 -p "$pids" -o "$out" -- sleep "$seconds" >/dev/null 2>&1 &
    perf_pid=$!
    result=$(run_wrk "GET /api/v1/me" "$c" "$seconds")
    wait "$perf_pid" || true
    echo "  wrk: $result"
    report="${BENCH_PROFILE_OUT:-$root/.blumpo/profile}"
    mkdir -p "$report"
    mv "$out" "$report/perf.data"
    out="$report/perf.data"
    set +o pipefail # head ends the reports early
    top() { grep -v '^#' | grep -v '^$' | head -n "$1"; }
    echo "share of samples by process:"
    perf report -i "$out" --no-children --sort pid --stdio -g none 2>/dev/null | top 30 | tee "$report/by-process.txt"
    echo "blumpo by thread and library:"
    perf report -i "$out" --no-children --pid "$server_pid" --sort comm,dso --stdio -g none 2>/dev/null | top 20 | tee "$report/blumpo-by-library.txt"
    echo "blumpo, self time by symbol:"
    perf report -i "$out" --no-children --pid "$server_pid" --sort symbol --stdio -g none 2>/dev/null | top 60 \
        | swift demangle --simplified | cut -c1-200 | tee "$report/blumpo-symbols.txt"
    perf report -i "$out" --children --pid "$server_pid" --sort symbol --stdio -g none 2>/dev/null | top 200 \
        | swift demangle --simplified | cut -c1-240 >"$report/blumpo-inclusive.txt"
    perf report -i "$out" --no-children --comm postgres --sort symbol --stdio -g none 2>/dev/null | top 40 >"$report/postgres-symbols.txt"
    echo "postgres, inclusive (first 40):"
    perf report -i "$out" --children --comm postgres --sort symbol --stdio -g none 2>/dev/null | top 120 >"$report/postgres-inclusive.txt"
    head -n 40 "$report/postgres-inclusive.txt"
    echo "profile reports in $report"
    exit 0
fi

# pgbench's select-only script on the same PostgreSQL, scale at least its client count.
for c in "${concurrencies[@]}"; do run_wrk "GET /api/v1/me" "$c" "$warmup" >/dev/null; done
pool=$(server_connections)
(( pool >= 1 )) || pool=20
scale=${BENCH_PGBENCH_SCALE:-$pool}
bounded BENCH_PGBENCH_SCALE "$scale" 1 1000
(( scale >= pool )) || scale=$pool
sql -c "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench" >/dev/null
"$pgbench" -i -q -s "$scale" -h 127.0.0.1 -p "$pg_port" -U blumpo bench_pgbench >"$data/pgbench-init.log" 2>&1
run_pgbench() { # SECONDS → "tps latency_ms"
    "$pgbench" -n -S -c "$pool" -j "$threads" -T "$1" -h 127.0.0.1 -p "$pg_port" -U blumpo bench_pgbench 2>&1 \
        | awk '/^latency average/ { lat = $4 } /^tps = / { tps = $3 } END { print tps, lat }'
}

results="$data/results.txt"
: >"$results"
for c in "${concurrencies[@]}"; do
    run_pgbench "$warmup" >/dev/null
    for name in "${names[@]}"; do run_wrk "$name" "$c" "$warmup" >/dev/null; done
    for round in $(seq 1 "$repeats"); do
        read -r tps latency < <(run_pgbench "$seconds")
        echo "pgbench|$c|$round|$tps|$latency" >>"$results"
        for name in "${names[@]}"; do
            echo "wrk|$c|$round|$name|$(run_wrk "$name" "$c" "$seconds")|rss=$(rss VmRSS)" >>"$results"
        done
    done
done
jobs_created=$(sql -tA -c "SELECT count(*) FROM generation_job j JOIN \"user\" u ON u.id = j.user_id WHERE u.email LIKE 'load-%@bench.test' AND j.status = 'QUEUED'")

BENCH_CONNS="${concurrencies[*]}" BENCH_POOL=$pool BENCH_SCALE=$scale BENCH_PG=$pg_version BENCH_USERS=$users \
BENCH_SECS=$seconds BENCH_WARM=$warmup BENCH_REPS=$repeats BENCH_THREADS=$threads python3 - "$results" <<'PY'
import os, statistics, sys
env = os.environ
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1]) if line.strip()]
names = list(dict.fromkeys(r[3] for r in rows if r[0] == "wrk"))
def fields(text):
    return {k: float(v) for k, v in (p.split("=") for p in text.split())}
print("")
print(f"HTTP load (release blumpo serve on loopback, embedded PostgreSQL {env['BENCH_PG']}, no background workers; {env['BENCH_USERS']} users signed in through the API, requests spread over them)")
print(f"  each side: {env['BENCH_SECS']} s per run, {env['BENCH_REPS']} runs alternating after a {env['BENCH_WARM']} s warm-up, median shown; wrk and pgbench with {env['BENCH_THREADS']} threads")
print(f"  server: PostgresNIO pool of {env['BENCH_POOL']} PostgreSQL connections (counted in pg_stat_activity after the warm-up); a job request plans 5 ads (the seeded price rule)")
print(f"  baseline: pgbench -S (select-only, its default simple protocol), {env['BENCH_POOL']} clients = the server's pool, scale {env['BENCH_SCALE']}, same PostgreSQL")
verdict = []
for c in (int(x) for x in env["BENCH_CONNS"].split()):
    base = [float(r[3]) for r in rows if r[0] == "pgbench" and int(r[1]) == c]
    base_lat = [float(r[4]) for r in rows if r[0] == "pgbench" and int(r[1]) == c]
    tps = statistics.median(base)
    print("")
    print(f"  {c} HTTP connections")
    runs_text = " / ".join(f"{b:.0f}" for b in base)
    print(f"    {'pgbench -S':<30} {tps:9.0f} tps    runs {runs_text}; latency average {statistics.median(base_lat):.2f} ms")
    print(f"    {'endpoint':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8} {'RSS MB':>7}   runs req/s")
    for name in names:
        runs = [(fields(r[4]), fields(r[5])) for r in rows if r[0] == "wrk" and int(r[1]) == c and r[3] == name]
        rps = statistics.median(f["rps"] for f, _ in runs)
        p50 = statistics.median(f["p50_ms"] for f, _ in runs)
        p99 = statistics.median(f["p99_ms"] for f, _ in runs)
        bad = int(sum(f["non2xx"] for f, _ in runs))
        first = int(max(f["first_non2xx"] for f, _ in runs))
        sock = int(sum(f["connect"] + f["read"] + f["write"] + f["timeout"] for f, _ in runs))
        rss = max(m["rss"] for _, m in runs)
        note = f"  (first non-2xx status: {first})" if bad else ""
        runs_text = " / ".join(f"{f['rps']:.0f}" for f, _ in runs)
        print(f"    {name:<30} {rps:9.0f} {p50:8.2f} {p99:8.2f} {bad:8d} {sock:8d} {rss:7.0f}   {runs_text}{note}")
        if name == "GET /api/v1/me":
            ratio = rps / tps
            print(f"    {'ratio GET /api/v1/me / pgbench':<30} {ratio:9.2f}")
            if c == 64:
                verdict = [(ratio >= 0.60, f"ratio {ratio:.2f} (goal >= 0.60)"), (bad + sock == 0, f"{bad + sock} errors (goal 0)"),
                           (p99 < 20, f"p99 {p99:.1f} ms (goal < 20 ms)")]
print("")
if verdict:
    met = all(ok for ok, _ in verdict)
    print(f"  goal at 64 connections for GET /api/v1/me: {'MET' if met else 'NOT MET'}: " + ", ".join(t + ("" if ok else " [missed]") for ok, t in verdict))
PY
hwm=$(rss VmHWM)
echo "  server resident memory: peak ${hwm} MB (VmHWM), now $(rss VmRSS) MB; jobs created and queued during the run: $jobs_created (price ${price} tokens per format)"
