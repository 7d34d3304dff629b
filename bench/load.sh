#!/usr/bin/env bash
# Load benchmark: 50,000 generated tools (vendors, subprocessor revisions,
# assessments, verdict versions) into SQLite and into PostgreSQL, each
# against a ceiling measured in the same run. Writes a dated report to
# bench/results/.
#
#   bash bench/load.sh [TOOLS]
#
# PostgreSQL is used through TOOLREG_TEST_POSTGRES_URL (default: the local
# server, database `test`); the run gets its own schema and drops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
TOOLS="${1:-50000}"
export TOOLREG_TEST_POSTGRES_URL="${TOOLREG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

cargo build --release -p toolreg-bench --locked
BIN="${CARGO_TARGET_DIR:-target}/release/load-bench"

day="$(date -u +%Y-%m-%d)"
report="$(report_path load)"

runs=()
for backend in sqlite postgres; do
    for attempt in 1 2 3; do
        line="$("$BIN" --tools "$TOOLS" --backend "$backend")"
        echo "$line"
        runs+=("$line")
    done
done

{
    echo "# Load benchmark, ${day}"
    echo
    provenance | sed '/^Machine/s/ Load generator.*$//'
    echo "Data: ${TOOLS} generated tools over $((TOOLS / 10)) vendors; per tool one subprocessor"
    echo "revision (4 entries, 3 levels), one assessment, and 1–2 verdict versions."
    echo "Each run loads into a fresh database in one transaction (validation included),"
    echo "then measures the ceiling: the same row count and average row size into one"
    echo "index-free table with the same load method (binary COPY on PostgreSQL, chunked"
    echo "multi-row INSERT on SQLite)."
    echo
    echo "The load's seconds exclude the ANALYZE that follows it (its own column)."
    echo
    echo "| backend | tools/s | rows | rows/s | ceiling rows/s | ratio | seconds | ANALYZE s | database size |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${runs[@]}"; do
        python3 - "$r" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"| {r['backend']} | {r['tools_per_sec']:,.0f} | {r['rows']:,} | {r['rows_per_sec']:,.0f} | "
      f"{r['ceiling_rows_per_sec']:,.0f} | {r['ratio_to_ceiling']:.2f} | {r['seconds']:.2f} | "
      f"{r['analyze_secs']:.2f} | {r['database_bytes']/1048576:,.1f} MiB |")
PY
    done
    echo
    echo "Reproduce: \`bash bench/load.sh ${TOOLS}\`"
} > "$report"
cat "$report"
