#!/usr/bin/env bash
# HTTP benchmark: GET /api/v1/tools/{id} (one tool, and any tool at random)
# and GET /api/v1/tools, and the web
# catalogue's tool page and search page with the JSON search they stand
# beside, on the sample data plus N generated tools (default 50,000), 64
# connections, each against a ceiling route in the same binary that returns
# a precomputed body of the same size. The HTML tool page is also compared
# with the JSON route of the same tool. Writes a dated report to
# bench/results/.
#
#   bash bench/http.sh [TOOLS]        (DURATION=10s by default)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
TOOLS="${1:-50000}"
DURATION="${DURATION:-10s}"
CONNECTIONS=64

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
cargo build --release -p toolreg -p toolreg-bench --locked
TARGET="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d)"
cleanup() {
    stop_services
    rm -rf "$work"
}
trap cleanup EXIT

export TOOLREG_DATA_DIR="$work" TOOLREG_LOG=warn
"$TARGET/toolreg" seed >/dev/null
"$TARGET/load-bench" --tools "$TOOLS" --into "sqlite://$work/toolreg.db" >/dev/null

TOOLREG_BENCH_ROUTES=true TOOLREG_RATE_LIMIT=false start_service http
base="$started"

# A generated tool in the middle of the data set, with a verdict in force.
slug="tool-$(printf '%06d' $((TOOLS / 2)))"
id="$(curl -sf "$base/api/v1/tools/$slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
one_bytes="$(curl -sf "$base/api/v1/tools/$id" | wc -c)"
list_bytes="$(curl -sf "$base/api/v1/tools" | wc -c)"
page_bytes="$(curl -sf "$base/verktoy/$slug" | wc -c)"
# The search index follows the log: wait until it has every tool.
wait_for_search "$base"
query="quiz%20feide"
search_page_bytes="$(curl -sf "$base/sok?q=$query" | wc -c)"
search_json_bytes="$(curl -sf "$base/api/v1/search?q=$query" | wc -c)"

measure() { # name url [wrk script]
    local out
    out="$(TOOLS="$TOOLS" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-s "$3"} "$2")"
    python3 bench/wrk_summary.py "$1" "$out"
}

results=()
results+=("$(measure "tool by id" "$base/api/v1/tools/$id")")
results+=("$(measure "ceiling, $one_bytes bytes" "$base/bench/ceiling/$one_bytes")")
results+=("$(measure "tool list (50 per page)" "$base/api/v1/tools")")
results+=("$(measure "ceiling, $list_bytes bytes" "$base/bench/ceiling/$list_bytes")")
results+=("$(measure "tool page, HTML (/verktoy/$slug)" "$base/verktoy/$slug")")
results+=("$(measure "ceiling, $page_bytes bytes" "$base/bench/ceiling/$page_bytes")")
results+=("$(measure "search page, HTML (/sok?q=quiz feide)" "$base/sok?q=$query")")
results+=("$(measure "ceiling, $search_page_bytes bytes" "$base/bench/ceiling/$search_page_bytes")")
results+=("$(measure "search, JSON (/api/v1/search?q=quiz feide)" "$base/api/v1/search?q=$query")")
results+=("$(measure "ceiling, $search_json_bytes bytes" "$base/bench/ceiling/$search_json_bytes")")
# Last, so the rotation fills the cache after the others were measured.
results+=("$(measure "tool by slug, random over all $TOOLS (mostly cold)" "$base" bench/random_tool.lua)")
results+=("$(measure "ceiling, $one_bytes bytes" "$base/bench/ceiling/$one_bytes")")

day="$(date -u +%Y-%m-%d)"
report="$(report_path http)"
{
    echo "# HTTP benchmark, ${day}"
    echo
    provenance
    echo "Data: the sample data plus ${TOOLS} generated tools on the embedded default (SQLite, release build)."
    echo "${CONNECTIONS} connections, ${DURATION} per scenario. The ceiling is \`/bench/ceiling/{bytes}\` in the same"
    echo "binary: a precomputed JSON body of the same size, no database, same server and middleware."
    echo
    results_table "${results[@]}"
    python3 - "${results[@]}" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
if len(rows) >= 10:
    print()
    print(f"HTML tool page / JSON tool route of the same tool: **{rows[4]['rps'] / rows[0]['rps']:.2f}** (aim ≥ 0.8).")
    print(f"HTML search page / JSON search route of the same query: **{rows[6]['rps'] / rows[8]['rps']:.2f}**.")
PY
    echo
    echo "Reproduce: \`bash bench/http.sh ${TOOLS}\`"
} >"$report"
cat "$report"
