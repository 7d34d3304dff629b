#!/usr/bin/env bash
# toolreg beside Directus (a headless CMS a registry owner might choose
# instead), both serving the same 50,000 generated tools from the same
# PostgreSQL schema, measured in interleaved runs with wrk: one tool by its
# unique key (the same one, then one at random), and a page of 50 tools
# filtered by a column and sorted by name, with the vendor's name joined.
# toolreg runs twice: as configured by default (response cache on) and
# with the cache off (every read from the database); Directus with its
# cache off, as it is by default.
#
#   bash bench/peer.sh [TOOLS]       (DURATION=10s, ROUNDS=2)
#
# Directus is the npm package, pinned below (the newest release that runs
# on this machine's Node.js 20), installed once under
# ~/.cache/toolreg-directus. Without npm and Node.js the script says so and
# stops.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
TOOLS="${1:-50000}"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-2}"
CONNECTIONS=64
DIRECTUS_VERSION=11.3.5
PEER_DIR="${PEER_DIR:-$HOME/.cache/toolreg-directus}"
PG="${TOOLREG_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "SKIPPED: bench/peer.sh needs Node.js and npm to install Directus ${DIRECTUS_VERSION}" >&2
    exit 0
fi
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
if [ ! -x "$PEER_DIR/node_modules/.bin/directus" ]; then
    mkdir -p "$PEER_DIR"
    (cd "$PEER_DIR" && echo '{"name":"toolreg-peer","private":true}' >package.json \
        && npm install --no-audit --no-fund "directus@${DIRECTUS_VERSION}" >/dev/null)
fi
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

postgres_schema peer
export TOOLREG_LOG=warn
TOOLREG_DATABASE_URL="$url" TOOLREG_DATA_DIR="$work/seed" "$TARGET/toolreg" seed >/dev/null
"$TARGET/load-bench" --tools "$TOOLS" --into "$url" >/dev/null

# toolreg, twice: default cache, and none.
export TOOLREG_DATABASE_URL="$url" TOOLREG_RATE_LIMIT=false
TOOLREG_DATA_DIR="$work/cached" TOOLREG_RESPONSE_CACHE_MIB=64 start_service cached
cached="$started"
TOOLREG_DATA_DIR="$work/uncached" TOOLREG_RESPONSE_CACHE_MIB=0 start_service uncached
uncached="$started"
wait_for_search "$cached"
wait_for_search "$uncached"

# Directus on the same schema: its own tables beside toolreg's, which it
# serves as collections (the foreign key from tools to organisations gives
# it the vendor relation).
mkdir -p "$work/directus"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
pg_host_db="$(python3 -c 'import sys, urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.hostname, p.port or 5432, p.path.lstrip("/"), p.username or "postgres")' "$PG")"
read -r db_host db_port db_name db_user <<<"$pg_host_db"
token="peer-$(date +%s)-$$"
cat >"$work/directus/.env" <<ENV
DB_CLIENT=pg
DB_HOST=$db_host
DB_PORT=$db_port
DB_DATABASE=$db_name
DB_USER=$db_user
DB_SEARCH_PATH=$schema
KEY=toolreg-peer
SECRET=$token-secret-for-the-benchmark-only
ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD=$token
ADMIN_TOKEN=$token
HOST=127.0.0.1
PORT=$port
LOG_LEVEL=warn
TELEMETRY=false
CACHE_ENABLED=false
RATE_LIMITER_ENABLED=false
ENV
(cd "$work/directus" && "$PEER_DIR/node_modules/.bin/directus" bootstrap >"$work/directus.log" 2>&1)
(cd "$work/directus" && exec "$PEER_DIR/node_modules/.bin/directus" start >>"$work/directus.log" 2>&1) &
service_pids+=($!)
directus="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
    curl -fs "$directus/server/ping" >/dev/null 2>&1 && break
    sleep 1
done
curl -fs "$directus/server/ping" >/dev/null || { tail -20 "$work/directus.log" >&2; exit 1; }
auth="Authorization: Bearer $token"

slug="tool-$(printf '%06d' $((TOOLS / 2)))"
d_one="/items/tools?filter%5Bslug%5D%5B_eq%5D=$slug&limit=1&fields=*,vendor_id.name"
t_list="/api/v1/tools?processes_personal_data=yes"
d_list="/items/tools?filter%5Bprocesses_personal_data%5D%5B_eq%5D=yes&sort=name,id&limit=50&fields=*,vendor_id.name"
# Both answer, and with the same tool.
curl -fs "$cached/api/v1/tools/$slug" | python3 -c "import json,sys; assert json.load(sys.stdin)['slug']=='$slug'"
curl -fs -H "$auth" "$directus$d_one" | python3 -c "import json,sys; assert json.load(sys.stdin)['data'][0]['slug']=='$slug'"
curl -fs -H "$auth" "$directus$d_list" | python3 -c "import json,sys; assert len(json.load(sys.stdin)['data'])==50"

measure() { # name url [header] [script]
    local out
    out="$(TOOLS="$TOOLS" PEER="${5:-toolreg}" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency \
        ${3:+-H "$3"} ${4:+-s "$4"} "$2")"
    python3 bench/wrk_summary.py "$1" "$out"
}
# Warm-up of every server and path.
for u in "$cached/api/v1/tools/$slug" "$uncached$t_list"; do wrk -t2 -c16 -d3s "$u" >/dev/null; done
wrk -t2 -c16 -d3s -H "$auth" "$directus$d_one" >/dev/null
wrk -t2 -c16 -d3s -H "$auth" "$directus$d_list" >/dev/null

rows=()
load() { cut -d' ' -f1 /proc/loadavg; }
for round in $(seq 1 "$ROUNDS"); do
    rows+=("$(load)|$(measure "one tool, the same (toolreg, cache on)" "$cached/api/v1/tools/$slug")")
    rows+=("$(load)|$(measure "one tool, the same (Directus)" "$directus$d_one" "$auth")")
    rows+=("$(load)|$(measure "one tool at random (toolreg, cache on)" "$cached" "" bench/random_tool.lua toolreg)")
    rows+=("$(load)|$(measure "one tool at random (toolreg, cache off)" "$uncached" "" bench/random_tool.lua toolreg)")
    rows+=("$(load)|$(measure "one tool at random (Directus)" "$directus" "$auth" bench/random_tool.lua directus)")
    rows+=("$(load)|$(measure "page of 50, filtered (toolreg, cache off)" "$uncached$t_list")")
    rows+=("$(load)|$(measure "page of 50, filtered (Directus)" "$directus$d_list" "$auth")")
    rows+=("$(load)|$(measure "page of 50, filtered (toolreg, cache on)" "$cached$t_list")")
done

report="$(report_path peer)"
{
    echo "# toolreg beside Directus ${DIRECTUS_VERSION}, $(date -u +%Y-%m-%d)"
    echo
    provenance
    echo "Data: the sample data plus ${TOOLS} generated tools in one PostgreSQL schema, read by both"
    echo "(release build of toolreg; Directus ${DIRECTUS_VERSION} on Node.js $(node --version), its cache off)."
    echo "${CONNECTIONS} connections, ${DURATION} per run, ${ROUNDS} interleaved rounds; the load average"
    echo "(1 min) is read before each run. Directus is asked with its admin token for the same rows,"
    echo "with the vendor's name joined; toolreg's bodies also carry the verdict in force and usage."
    echo
    echo "| run | load avg | requests/s | p50 | p99 | non-2xx |"
    echo "|---|---:|---:|---:|---:|---:|"
    python3 - "${rows[@]}" <<'PY'
import json, sys
for arg in sys.argv[1:]:
    load, r = arg.split("|", 1)
    r = json.loads(r)
    print(f"| {r['name']} | {load} | {r['rps']:,.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['non_2xx']} |")
print()
best = {}
for arg in sys.argv[1:]:
    r = json.loads(arg.split("|", 1)[1])
    best.setdefault(r["name"], []).append(r["rps"])
mean = {k: sum(v) / len(v) for k, v in best.items()}
def ratio(a, b):
    return f"{mean[a] / mean[b]:.1f}×"
print("Ratios of mean requests/s, toolreg to Directus:")
print(f"- the same tool: {ratio('one tool, the same (toolreg, cache on)', 'one tool, the same (Directus)')}")
print(f"- a tool at random, cache on: {ratio('one tool at random (toolreg, cache on)', 'one tool at random (Directus)')}; cache off: {ratio('one tool at random (toolreg, cache off)', 'one tool at random (Directus)')}")
print(f"- a filtered page, cache off: {ratio('page of 50, filtered (toolreg, cache off)', 'page of 50, filtered (Directus)')}; cache on: {ratio('page of 50, filtered (toolreg, cache on)', 'page of 50, filtered (Directus)')}")
PY
    echo
    echo "Reproduce: \`bash bench/peer.sh ${TOOLS}\`"
} >"$report"
cat "$report"
