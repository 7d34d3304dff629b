# Sourced by the HTTP benchmarks: where a report goes, what it says about
# the machine and the commit, and the table of wrk results against their
# ceilings (results come in pairs: a scenario, then its ceiling).

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
