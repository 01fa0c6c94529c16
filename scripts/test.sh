#!/usr/bin/env bash
# Runs the built suite under a watchdog. The suite prints a line as each test passes; when it
# prints nothing for BLUMPO_TEST_STALL_SECONDS (default 300) it has stalled: the watchdog names
# the tests that started and never ended, prints every thread's stack (gdb), and ends the run
# with a failure instead of letting it hang until an outer timeout kills it without a word.
set -uo pipefail
cd "$(dirname "$0")/.."
stall=${BLUMPO_TEST_STALL_SECONDS:-300}
log=$(mktemp -t blumpo-test-XXXXXX.log)

# Line-buffered, so the log (and the stall report) is up to the moment.
stdbuf -oL -eL swift test --skip-build "$@" > >(tee "$log") 2>&1 &
runner=$!

stalled=false
while kill -0 "$runner" 2>/dev/null; do
    sleep 10
    idle=$(( $(date +%s) - $(stat -c %Y "$log") ))
    if (( idle >= stall )); then stalled=true; break; fi
done

if $stalled; then
    echo "test: no output for ${stall}s; the suite has stalled. Tests that started and did not end:"
    python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
ended = set(re.findall(r"Test (\S+?\(.*?\)) (?:passed|failed)", text))
for name in re.findall(r"Test (\S+?\(.*?\)) started", text):
    if name not in ended:
        print("  " + name)
PY
    for pid in $(pgrep -f 'PackageTests.xctest'); do
        echo "test: stacks of process $pid"
        if command -v gdb >/dev/null 2>&1; then
            gdb -p "$pid" -batch -ex "thread apply all bt 30" 2>/dev/null | grep -E '^(Thread|#)' | head -n 600
        fi
        kill -9 "$pid" 2>/dev/null
    done
    wait "$runner" 2>/dev/null
    rm -f "$log"
    exit 1
fi

wait "$runner"
status=$?
rm -f "$log"
exit $status
