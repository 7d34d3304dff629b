#!/usr/bin/env bash
# Notification benchmark: one event fanned out to N webhook subscriptions
# (default 10,000) on a local receiver, delivered by toolreg-notify's
# worker, on SQLite and on PostgreSQL, three runs each, each beside the
# ceiling measured in the same run (the same signed POSTs with no
# database). Writes a dated report to bench/results/.
#
#   bash bench/notify.sh [SUBSCRIPTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
export TOOLREG_TEST_POSTGRES_URL="${TOOLREG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

cargo build --release -p toolreg-bench --locked
BIN="${CARGO_TARGET_DIR:-target}/release/notify-bench"

day="$(date -u +%Y-%m-%d)"
report="bench/results/${day}-notify.md"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
commit="$(git rev-parse --short HEAD)"

runs=()
for backend in sqlite postgres; do
    for attempt in 1 2 3; do
        line="$("$BIN" --subscriptions "$N" --backend "$backend")"
        echo "$line"
        runs+=("$line")
    done
done

{
    echo "# Notification benchmark, ${day}"
    echo
    echo "Commit: ${commit}."
    echo "Machine: ${cpu}, $(nproc) cores, ${mem}; $(uname -sr). Receiver, worker and database on the same machine."
    echo "Data: one new tool's event fanned out to ${N} webhook subscriptions (scope: all), each with its own signing secret."
    echo
    echo "| backend | seconds to the last delivery | deliveries/s | ceiling/s | ratio | statuses |"
    echo "|---|---:|---:|---:|---:|---|"
    for r in "${runs[@]}"; do
        python3 - "$r" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(r["statuses"].items()))
print(f"| {r['backend']} | {r['seconds_to_last']:.2f} | {r['deliveries_per_sec']:,.0f} | "
      f"{r['ceiling_per_sec']:,.0f} | {r['ratio']:.2f} | {statuses} |")
PY
    done
    echo
    echo "Reproduce: \`bash bench/notify.sh ${N}\`."
} >"$report"
echo "wrote $report"
