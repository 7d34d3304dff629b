#!/usr/bin/env bash
# Validation benchmark: the body step of every write route (parse, control
# characters, caps, rules; before any database connection) for the largest
# body each route accepts and for a body one over a cap, against parsing
# the same bytes into an untyped JSON value in the same run. Aims: accepted
# bodies under 10 ms, refused ones under 1 ms (p99). Writes a dated report
# to bench/results/.
#
#   bash bench/validate.sh [ITERATIONS]     (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS="${1:-300}"
cargo build --release -p toolreg-bench --locked --bin validate-bench
TARGET="${CARGO_TARGET_DIR:-target}/release"

out="bench/results/$(date -u +%F)-validate.md"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$("$TARGET/validate-bench" --iterations "$ITERATIONS")" && status=0 || status=$?
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
{
    echo "# Validation benchmark — $(date -u +%F)"
    echo
    echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet -- . ':!bench/results' || echo ' (with uncommitted changes)')"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "- load average (1, 5, 15 min): before $load_before, after $load_after"
    echo "- iterations per body: $ITERATIONS (after a warm-up of a tenth as many), release build"
    echo "- what is timed: \`toolreg_api::json_body::parse::<T>\`, the whole body step of"
    echo "  the route (control-character scan, typed parse with pointers, one"
    echo "  document only, caps and domain rules); the ceiling is"
    echo "  \`serde_json::from_slice::<Value>\` of the same bytes. Ratio = ceiling"
    echo "  median / ours: 1.0 would mean validation costs nothing beyond parsing."
    echo "- the largest draft is every list at its cap with texts as long as the"
    echo "  1 MiB request limit allows; the others are every field at its cap."
    echo
    echo "$table"
} >"$out"
cat "$out"
exit "$status"
