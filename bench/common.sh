# Sourced by the benchmarks: starting the service and waiting for it,
# where a report goes, what it says about the machine and the commit, and
# the table of wrk results against their ceilings (results come in pairs: a
# scenario, then its ceiling). Needs $TARGET (the release build) and $work
# (a scratch directory) before start_service.

service_pids=()
started=""

# Start `toolreg serve` on a free port, with the settings given in the
# call's environment (`TOOLREG_RESPONSE_CACHE_MIB=0 start_service cold`);
# its output goes to $work/<name>.out and .err. Leaves its address in
# $started. Call it in this shell, never in a command substitution: the pid
# would not reach stop_services and the server would outlive the script.
start_service() { # name
    TOOLREG_BIND=127.0.0.1:0 "$TARGET/toolreg" serve >"$work/$1.out" 2>"$work/$1.err" &
    service_pids+=($!)
    started=""
    for _ in $(seq 1 300); do
        started="$(sed -n 's/^toolreg lytter på //p' "$work/$1.out" 2>/dev/null | head -n 1)"
        [ -n "$started" ] && return 0
        sleep 0.1
    done
    cat "$work/$1.err" >&2
    exit 1
}

# Wait until the search index has every tool: the indexer reads them all
# once at start, and must take no CPU from a measurement.
wait_for_search() { # base
    for _ in $(seq 1 900); do
        curl -fs "$1/readyz" | python3 -c 'import json,sys; s=json.load(sys.stdin)["checks"]["search"]; sys.exit(0 if s["status"]=="ok" and s["behind"]==0 else 1)' && return 0
        sleep 1
    done
}

# Stop every service start_service started (for the scripts' cleanup).
stop_services() {
    for pid in "${service_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}

# A fresh schema in the PostgreSQL at $PG: sets $schema and $url (the
# database URL with that schema as its search path).
postgres_schema() { # prefix
    schema="$1_$(date +%s)_$$"
    psql -q "$PG" -c "CREATE SCHEMA $schema" >/dev/null
    local sep="?"
    case "$PG" in *\?*) sep="&" ;; esac
    url="${PG}${sep}options=-csearch_path%3D${schema}"
}

# bench/results/<day>-<name>.md, or -2, -3, … when that day has one.
report_path() { # name
    local day report n=2
    day="$(date -u +%Y-%m-%d)"
    report="bench/results/${day}-$1.md"
    while [ -e "$report" ]; do
        report="bench/results/${day}-$1-$n.md"
        n=$((n + 1))
    done
    echo "$report"
}

# The commit measured and the machine it ran on.
provenance() {
    local cpu mem
    cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates bench ':!bench/results' || echo ' (with uncommitted changes)')."
    echo "Machine: ${cpu}, $(nproc) cores, ${mem}; $(uname -sr). Load generator (wrk, 2 threads) on the same machine."
}

# The results table; each scenario's ratio is to the ceiling after it.
results_table() { # wrk_summary JSON objects…
    echo "| scenario | requests/s | p50 | p99 | non-2xx | ratio to ceiling |"
    echo "|---|---:|---:|---:|---:|---:|"
    python3 - "$@" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
for i, r in enumerate(rows):
    ceiling = rows[i + 1] if i % 2 == 0 else None
    ratio = f"{r['rps'] / ceiling['rps']:.2f}" if ceiling else "—"
    print(f"| {r['name']} | {r['rps']:,.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['non_2xx']} | {ratio} |")
PY
}
