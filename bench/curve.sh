#!/usr/bin/env bash
# Cost curve of the cold read paths: bench/cold.sh at 1,000, 10,000 and
# 50,000 tools on SQLite and PostgreSQL, and 500,000 on PostgreSQL, in one
# table: how throughput and latency of one tool and of a filtered page
# change with the catalogue's size. Each size writes its own cold report
# too.
#
#   bash bench/curve.sh            (SIZES="1000 10000" to choose)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
runs=()
for backend in sqlite postgres; do
    for tools in ${SIZES:-1000 10000 50000 500000}; do
        if [ "$tools" -gt 50000 ] && [ "$backend" = sqlite ]; then
            continue
        fi
        out="$(mktemp)"
        COLD_JSON="$out" bash bench/cold.sh "$tools" "$backend" >/dev/null
        runs+=("$(cat "$out")")
        rm -f "$out"
    done
done
report="$(report_path curve)"
{
    echo "# Cost curve of cold reads, $(date -u +%Y-%m-%d)"
    echo
    provenance
    echo "Each row is one run of \`bench/cold.sh\` (response cache off, 64 connections, 10 s per"
    echo "scenario after a warm-up); its ceiling is the same binary's precomputed body of that size."
    echo
    echo "| backend | tools | one tool req/s | p50 | p99 | vs ceiling | filtered page req/s | p50 | p99 | vs ceiling | per request, unloaded |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    python3 - "${runs[@]}" <<'PY'
import json, sys
for arg in sys.argv[1:]:
    r = json.loads(arg)
    one, one_c, page, page_c = r["results"]
    print(f"| {r['backend']} | {r['tools']:,} | {one['rps']:,.0f} | {one['p50_ms']:.1f} ms | {one['p99_ms']:.1f} ms | "
          f"{one['rps'] / one_c['rps']:.3f} | {page['rps']:,.0f} | {page['p50_ms']:.1f} ms | {page['p99_ms']:.1f} ms | "
          f"{page['rps'] / page_c['rps']:.3f} | tool: {r['one_timing']}; page: {r['page_timing']} |")
PY
    echo
    echo "Reproduce: \`bash bench/curve.sh\`"
} >"$report"
cat "$report"
