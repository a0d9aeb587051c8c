#!/usr/bin/env bash
# Command-line export benchmark: exports 10,000 and 100,000 rows from a local tango-sandbox with
# no rate limit and prints client CPU per row, rows per second and peak RSS of the exporter.
# Targets: <= 10 us of client CPU per row; peak RSS <= 80 MB and not growing with the rows.
#
# Usage: bench/bench_export.sh [BUILD_DIR]      (default: build)
# BENCH_RUNS=N (default 3) exports each size N times and reports the run with the least CPU:
# on a shared machine the other processes only ever add to the figure.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
explorer="$build/src/app/tango-explorer"
sandbox="$build/src/app/tango-sandbox"
for b in "$explorer" "$sandbox"; do
    [[ -x "$b" ]] || { echo "missing $b: build tango-explorer and tango-sandbox first" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
    [[ -n "$sandbox_pid" ]] && kill "$sandbox_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$sandbox" --rows 100000 --burst-limit 0 --daily-limit 0 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 100); do
    [[ -s "$work/sandbox.out" ]] && break
    sleep 0.1
done
base_url="$(head -n1 "$work/sandbox.out")"
[[ "$base_url" == http://* ]] || { echo "sandbox did not start: $(cat "$work/sandbox.err")" >&2; exit 1; }
key="${TANGO_SANDBOX_KEY:-sandbox-key-0123456789abcdef}"

runs="${BENCH_RUNS:-3}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_RUNS must be a positive number" >&2; exit 1; }

printf '%-8s %10s %10s %12s %12s %10s %8s %8s\n' rows wall_s cpu_s cpu_us/row rows/s peak_MB user_s sys_s
for rows in 10000 100000; do
    best=""
    for ((run = 1; run <= runs; run++)); do
        out="$work/export-$rows.csv"
        TANGO_API_KEY="$key" /usr/bin/time -v -o "$work/time-$rows.txt" \
            "$explorer" export --quiet --base-url "$base_url" --out "$out" --max-rows "$rows"
        # Quoted cells may hold line breaks: count records, not lines.
        written=$(python3 -c 'import csv, sys
print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)' "$out")
        [[ "$written" -eq "$rows" ]] || { echo "expected $rows rows, got $written" >&2; exit 1; }
        user=$(awk -F': ' '/User time/ {print $2}' "$work/time-$rows.txt")
        sys=$(awk -F': ' '/System time/ {print $2}' "$work/time-$rows.txt")
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-$rows.txt")
        rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$rows.txt")
        line=$(awk -v rows="$rows" -v user="$user" -v sys="$sys" -v wall="$wall" -v rss="$rss_kb" 'BEGIN {
            n = split(wall, p, ":"); secs = 0;
            for (i = 1; i <= n; i++) secs = secs * 60 + p[i];
            cpu = user + sys;
            printf "%-8d %10.2f %10.2f %12.2f %12.0f %10.1f %8.2f %8.2f\n", rows, secs, cpu, cpu * 1e6 / rows, rows / secs, rss / 1024, user, sys
        }')
        cpu_now=$(awk '{print $3}' <<<"$line")
        if [[ -z "$best" ]] || awk -v a="$cpu_now" -v b="$(awk '{print $3}' <<<"$best")" 'BEGIN { exit !(a < b) }'; then
            best="$line"
        fi
    done
    echo "$best"
done
