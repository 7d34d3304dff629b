#!/usr/bin/env bash
# Search benchmark: the sample data plus N generated tools (default 50,000).
#  1. index build time: `toolreg reindex` on tantivy and on Meilisearch;
#  2. GET /api/v1/search and /api/v1/search/suggest over a fixed mix of 200
#     queries each (bench/search/queries.py), 16 connections, on tantivy and
#     on Meilisearch, each beside the same binary's ceiling route (a
#     precomputed body of the mix's mean size);
#  3. the same mix sent straight to Meilisearch (the peer figure).
# Writes a dated report to bench/results/.
#
#   bash bench/search.sh [TOOLS]      (DURATION=10s by default)
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${1:-50000}"
DURATION="${DURATION:-10s}"
CONNECTIONS=16
MASTER_KEY="bench-master-key-0123456789abcdef"

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
meili_bin="${TOOLREG_MEILISEARCH_BIN:-}"
for candidate in "${TOOLREG_SHARED_DIR:-../shared}/bin/meilisearch" ../shared/bin/meilisearch /work/shared/bin/meilisearch; do
    [ -n "$meili_bin" ] && break
    [ -x "$candidate" ] && meili_bin="$candidate"
done
[ -n "$meili_bin" ] || { echo "no Meilisearch binary (TOOLREG_MEILISEARCH_BIN)" >&2; exit 1; }
cargo build --release -p toolreg -p toolreg-bench --locked
TARGET="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

export TOOLREG_DATA_DIR="$work/data" TOOLREG_LOG=warn
"$TARGET/toolreg" seed >/dev/null
"$TARGET/load-bench" --tools "$TOOLS" --into "sqlite://$work/data/toolreg.db" >/dev/null
python3 bench/search/queries.py "$TOOLS" "$work"

meili_port="$(free_port)"
"$meili_bin" --db-path "$work/meili/db" --dump-dir "$work/meili/dumps" --snapshot-dir "$work/meili/snapshots" \
    --http-addr "127.0.0.1:$meili_port" --master-key "$MASTER_KEY" --no-analytics --env production \
    --log-level WARN >"$work/meili.log" 2>&1 &
pids+=($!)
meili="http://127.0.0.1:$meili_port"
for _ in $(seq 1 100); do curl -fs "$meili/health" >/dev/null 2>&1 && break; sleep 0.1; done
with_meili=(TOOLREG_SEARCH_URL="$meili" TOOLREG_SEARCH_API_KEY="$MASTER_KEY" TOOLREG_SEARCH_INDEX=bench)

build_seconds() { # env... : runs toolreg reindex, prints its wall time
    local started ended
    started="$(date +%s.%N)"
    env "$@" "$TARGET/toolreg" reindex >"$work/reindex.out"
    ended="$(date +%s.%N)"
    python3 -c "print(f'{$ended - $started:.1f}')"
}
tantivy_build="$(build_seconds TOOLREG_LOG=warn)"
tantivy_summary="$(tail -n 1 "$work/reindex.out")"
meili_build="$(build_seconds "${with_meili[@]}")"
meili_summary="$(tail -n 1 "$work/reindex.out")"

start_server() { # env... ; sets $base
    local out="$work/server-$RANDOM"
    env "$@" TOOLREG_BIND=127.0.0.1:0 TOOLREG_BENCH_ROUTES=true TOOLREG_RATE_LIMIT=false \
        "$TARGET/toolreg" serve >"$out.stdout" 2>"$out.stderr" &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 100); do grep -q "lytter på" "$out.stdout" 2>/dev/null && break; sleep 0.1; done
    base="$(sed -n 's/^toolreg lytter på //p' "$out.stdout" | head -n 1)"
    [ -n "$base" ] || { cat "$out.stderr"; exit 1; }
    for _ in $(seq 1 600); do
        curl -fs "$base/readyz" | python3 -c 'import json,sys; s=json.load(sys.stdin)["checks"]["search"]; sys.exit(0 if s["status"]=="ok" and s["behind"]==0 else 1)' && return 0
        sleep 0.2
    done
    echo "the search index did not catch up" >&2
    exit 1
}

mean_bytes() { # base file
    local total=0 n=0 path
    while read -r path; do
        total=$((total + $(curl -sf "$1$path" | wc -c)))
        n=$((n + 1))
    done <"$2"
    echo $((total / n))
}

measure() { # name wrk-args...
    local name="$1" out
    shift
    out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")"
    python3 bench/wrk_summary.py "$name" "$out"
}

mix="bench/search/mix.lua"
run_backend() { # label env...
    local label="$1"
    shift
    start_server "$@"
    local search_bytes suggest_bytes
    search_bytes="$(mean_bytes "$base" "$work/search-paths.txt")"
    suggest_bytes="$(mean_bytes "$base" "$work/suggest-paths.txt")"
    results+=("$(measure "$label: search (200-query mix)" -s "$mix" "$base" -- "$work/search-paths.txt")")
    results+=("$(measure "$label: ceiling, $search_bytes bytes" "$base/bench/ceiling/$search_bytes")")
    results+=("$(measure "$label: suggest (200-prefix mix)" -s "$mix" "$base" -- "$work/suggest-paths.txt")")
    results+=("$(measure "$label: ceiling, $suggest_bytes bytes" "$base/bench/ceiling/$suggest_bytes")")
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
}

results=()
run_backend "tantivy" TOOLREG_LOG=warn
run_backend "meilisearch" "${with_meili[@]}"
results+=("$(measure "meilisearch direct: search (same mix)" -s "$mix" "$meili" -- "$work/search-bodies.txt" POST /indexes/bench_tools/search "$MASTER_KEY")")
results+=("$(measure "meilisearch direct: suggest (same mix)" -s "$mix" "$meili" -- "$work/suggest-bodies.txt" POST /indexes/bench_tools/search "$MASTER_KEY")")

day="$(date -u +%Y-%m-%d)"
report="bench/results/${day}-search.md"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
{
    echo "# Search benchmark, ${day}"
    echo
    echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates bench ':!bench/results' || echo ' (with uncommitted changes)')."
    echo "Machine: ${cpu}, $(nproc) cores, ${mem}; $(uname -sr). Load generator (wrk, 2 threads, ${CONNECTIONS} connections, ${DURATION} per figure) and Meilisearch $("$meili_bin" --version | awk '{print $2}') on the same machine."
    echo "Data: the sample data plus ${TOOLS} generated tools (SQLite, release build)."
    echo
    echo "## Index build (\`toolreg reindex\`, wall time)"
    echo
    echo "| backend | seconds | summary |"
    echo "|---|---:|---|"
    echo "| tantivy | ${tantivy_build} | ${tantivy_summary} |"
    echo "| meilisearch | ${meili_build} | ${meili_summary} |"
    echo
    echo "## Queries"
    echo
    echo "Each toolreg figure is followed by the same binary's ceiling route"
    echo "(\`/bench/ceiling/{bytes}\`: the mean body size of the mix, precomputed) under the same load."
    echo
    printf '%s\n' "${results[@]}" | python3 bench/search/report.py
} >"$report"
cat "$report"
