#!/usr/bin/env bash
# Cold reads: the service with its response cache turned off
# (TOOLREG_RESPONSE_CACHE_MIB=0), so every request is built from the
# database, on SQLite or PostgreSQL with the sample data plus N generated
# tools. Scenarios: one tool by slug at random over all N, and a filtered
# page of 50; each against the ceiling route in the same binary (a
# precomputed body of the same size). The report also gives the statements
# each request runs and the time the database took with them, read from
# Server-Timing.
#
#   bash bench/cold.sh [TOOLS] [sqlite|postgres]     (DURATION=10s)
#
# PostgreSQL: TOOLREG_BENCH_POSTGRES_URL (default the test database on
# 127.0.0.1), in a schema of its own that is dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
TOOLS="${1:-50000}"
BACKEND="${2:-sqlite}"
DURATION="${DURATION:-10s}"
CONNECTIONS=64
# TLS off: on loopback it only costs CPU on both sides (the PostgreSQL here
# has ssl on, which libpq uses by default).
PG="${TOOLREG_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
cargo build --release -p toolreg -p toolreg-bench --locked
TARGET="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d)"
schema=""
cleanup() {
    stop_services
    [ -n "$schema" ] && psql -q "$PG" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

export TOOLREG_DATA_DIR="$work" TOOLREG_LOG=warn
case "$BACKEND" in
    sqlite) url="sqlite://$work/toolreg.db" ;;
    postgres) postgres_schema bench ;;
    *) echo "backend is sqlite or postgres" >&2; exit 2 ;;
esac
export TOOLREG_DATABASE_URL="$url"
"$TARGET/toolreg" seed >/dev/null
"$TARGET/load-bench" --tools "$TOOLS" --into "$url" >/dev/null

TOOLREG_BENCH_ROUTES=true TOOLREG_RATE_LIMIT=false TOOLREG_RESPONSE_CACHE_MIB=0 \
    TOOLREG_SERVER_TIMING=true start_service cold
base="$started"
wait_for_search "$base"
list="/api/v1/tools?category=quiz&login_method=feide"
one_bytes="$(curl -sf "$base/api/v1/tools/tool-$(printf '%06d' $((TOOLS / 2)))" | wc -c)"
list_bytes="$(curl -sf "$base$list" | wc -c)"
# Statements and database time per request, averaged over 20 requests.
timing() { # path
    for i in $(seq 1 20); do
        curl -sf -o /dev/null -D - "$base$1" | tr -d '\r' | sed -n 's/^server-timing: //Ip'
    done | python3 -c '
import re, sys
rows = [re.search(r"dur=([0-9.]+);desc=\"(\d+) queries\"", l) for l in sys.stdin]
rows = [r for r in rows if r]
print(f"{rows[0].group(2)} statements, {sum(float(r.group(1)) for r in rows) / len(rows):.3f} ms in the database")'
}
# Warm up: every pooled connection prepares its statements, and the
# database's caches hold what a running service's would.
TOOLS="$TOOLS" wrk -t2 -c"$CONNECTIONS" -d5s -s bench/random_tool.lua "$base" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d3s "$base$list" >/dev/null
one_timing="$(timing "/api/v1/tools/tool-$(printf '%06d' $((TOOLS / 3)))")"
list_timing="$(timing "$list")"

measure() { # name url [wrk script]
    local out
    out="$(TOOLS="$TOOLS" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-s "$3"} "$2")"
    python3 bench/wrk_summary.py "$1" "$out"
}
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
results=()
results+=("$(measure "tool by slug, random over all $TOOLS, cache off" "$base" bench/random_tool.lua)")
results+=("$(measure "ceiling, $one_bytes bytes" "$base/bench/ceiling/$one_bytes")")
results+=("$(measure "filtered list (quiz, Feide; 50 per page), cache off" "$base$list")")
results+=("$(measure "ceiling, $list_bytes bytes" "$base/bench/ceiling/$list_bytes")")
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

report="$(report_path "cold-${BACKEND}")"
{
    echo "# Cold reads, ${BACKEND}, $(date -u +%Y-%m-%d)"
    echo
    provenance
    echo "Data: the sample data plus ${TOOLS} generated tools, ${BACKEND}, release build, response cache off."
    echo "${CONNECTIONS} connections, ${DURATION} per scenario. Load average before: ${load_before}; after: ${load_after}."
    echo
    results_table "${results[@]}"
    echo
    echo "Per request, unloaded after a warm-up (Server-Timing, mean of 20): one tool: ${one_timing}; the filtered page: ${list_timing}."
    echo
    echo "Reproduce: \`bash bench/cold.sh ${TOOLS} ${BACKEND}\`"
} >"$report"
cat "$report"
# For bench/curve.sh: the results as JSON, with the size and backend.
if [ -n "${COLD_JSON:-}" ]; then
    python3 - "$TOOLS" "$BACKEND" "$one_timing" "$list_timing" "${results[@]}" >"$COLD_JSON" <<'PY'
import json, sys
tools, backend, one, page, *rows = sys.argv[1:]
print(json.dumps({"tools": int(tools), "backend": backend, "one_timing": one,
                  "page_timing": page, "results": [json.loads(r) for r in rows]}))
PY
fi
