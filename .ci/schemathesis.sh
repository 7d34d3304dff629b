#!/usr/bin/env bash
# Schemathesis (pinned in .ci/requirements.lock) against the real binary,
# once on SQLite with the sample data and once on PostgreSQL (a schema of
# its own, seeded, dropped afterwards). Fails on any failure.
#   usage: .ci/schemathesis.sh BINARY PYTHON_VENV_BIN [SECONDS_PER_BACKEND]
#
# One worker: with two, CPython 3.11.7's ast.parse (called by Hypothesis to
# describe filters) can fail with "AST constructor recursion depth mismatch"
# when two threads parse at once: an error of the tool, not of the
# service, that fails a run at random.
set -euo pipefail
bin="$1"
venv="$2"
budget="${3:-150}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
pg_admin="${TOOLREG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_schema="st_$$"
server_pid=""

cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    psql "$pg_admin" -qc "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

run_against() {
    local name="$1"
    shift
    local dir="$work/$name"
    mkdir -p "$dir"
    local port
    port="$(free_port)"
    # exec: the background job is the server itself, so killing
    # $server_pid stops it (killing a subshell left it running, holding
    # its PostgreSQL connections).
    (cd "$dir" && exec env "$@" TOOLREG_DATA_DIR="$dir/data" TOOLREG_BIND="127.0.0.1:$port" \
        TOOLREG_RATE_LIMIT=false "$bin" serve >"$dir/server.log" 2>&1) &
    server_pid=$!
    for _ in $(seq 1 60); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
        sleep 0.5
    done
    # One caller who may do everything: an administrator who is also a
    # reviewer of a reviewer organisation in the sample data (KS).
    local token
    token="$(cd "$dir" && env "$@" TOOLREG_DATA_DIR="$dir/data" "$bin" token \
        --role admin --role reviewer --org 971032146 --sub schemathesis)"
    echo "== schemathesis on $name (${budget}s)"
    local status=0
    (cd "$here" && "$venv/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
        --url "http://127.0.0.1:$port" \
        -H "Authorization: Bearer $token" \
        --checks all \
        --phases examples,coverage,fuzzing,stateful \
        --seed 20261124 \
        --max-time "$budget" \
        --max-examples 60 \
        --workers 1 \
        --report junit --report-dir "$dir/report") || status=$?
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    if grep -q "panicked" "$dir/server.log"; then
        echo "the server panicked during the $name run:" >&2
        grep -A5 "panicked" "$dir/server.log" >&2
        status=1
    fi
    return "$status"
}

failed=0
run_against sqlite TOOLREG_SEED=true || failed=1

psql "$pg_admin" -qc "CREATE SCHEMA $pg_schema" >/dev/null
sep='?'
case "$pg_admin" in *\?*) sep='&' ;; esac
pg_url="${pg_admin}${sep}options=-csearch_path%3D${pg_schema}"
mkdir -p "$work/postgres"
(cd "$work/postgres" && TOOLREG_DATABASE_URL="$pg_url" TOOLREG_DATA_DIR="$work/postgres/data" "$bin" seed >/dev/null)
run_against postgres TOOLREG_DATABASE_URL="$pg_url" || failed=1
exit "$failed"
