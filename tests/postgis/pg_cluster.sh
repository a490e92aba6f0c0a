#!/usr/bin/env bash
# A private PostgreSQL + PostGIS cluster for the `postgis` tests (docs/postgis.md).
#
#   tests/postgis/pg_cluster.sh start STATE_DIR
#   tests/postgis/pg_cluster.sh stop STATE_DIR
#
# start: initdb in a new temporary directory, as `nobody` when run as root (PostgreSQL
# refuses to run as root); the server listens on 127.0.0.1 only, on a free port, logs
# every statement (log_statement=all, so tests can see what reached the server), and
# asks for a password (scram-sha-256) on TCP. It creates three databases: `fergana` with
# the postgis extension, `fergana_plain` without, and `fergana_latin1` (LATIN1, with
# postgis). It writes into STATE_DIR:
#   conn     the GDAL connection string, password included: PG:host=... password=...
#   log      the path of the server log
#   psql     a psql command line for the `fergana` database (password in PGPASSWORD)
#   cluster  what `stop` needs (data directory, binaries, user)
# It installs nothing (scripts/install-deps.sh does). When the PostgreSQL binaries are
# absent it writes STATE_DIR/unavailable and exits 0, so the tests skip with that reason,
# except with CI=true, where it exits 1: in CI the tests must run.
#
# stop: stops the server and deletes the temporary directory; safe to run twice, and
# when start failed half-way.
#
# Two ctest runs in one build tree share STATE_DIR: the second `start` finds the server
# answering and joins it, and the server stops with the last `stop`. Each run is a holder
# (the PID of the ctest that ran the script); a holder that died without `stop` (an
# interrupted run) is forgotten, so its cluster is stopped or replaced by the next run.
set -euo pipefail

action=${1:-}
state=${2:-}
if [[ -z $action || -z $state ]]; then
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
fi

find_bindir() {
    if [[ -n ${FERGANA_PG_BINDIR:-} ]]; then
        echo "$FERGANA_PG_BINDIR"
        return 0
    fi
    local d
    # Debian keeps the server binaries out of PATH; the newest version wins.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
            echo "$d"
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

# Serialises start and stop of runs sharing STATE_DIR. Never waits for ever: a process that
# inherited the lock (a server started by an older version of this script) must not
# block every later run.
lock_state() {
    exec 9>"$state/lock"
    flock -w 60 9 || echo "pg_cluster: $state/lock still taken after 60 s: going on without it" >&2
}

# Runs a command as the cluster's owner.
as_owner() {
    if [[ $owner == "$(id -un)" ]]; then
        "$@"
    else
        runuser -u "$owner" -- "$@"
    fi
}

# A TCP port nothing listens on (the server start is retried if another process takes it first).
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

fail() {
    echo "pg_cluster: $*" >&2
    [[ -n ${log:-} && -f $log ]] && tail -n 20 "$log" >&2
    exit 1
}

# Keeps the holders (PIDs) that are still running; prints how many.
prune_holders() {
    local pid alive=()
    if [[ -f $state/holders ]]; then
        while read -r pid; do
            [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && alive+=("$pid")
        done <"$state/holders"
    fi
    printf '%s\n' "${alive[@]+"${alive[@]}"}" | sed '/^$/d' >"$state/holders"
    wc -l <"$state/holders"
}

answering() {
    [[ -f $state/cluster && -f $state/psql ]] || return 1
    eval "$(cat "$state/psql") -c 'SELECT 1'" >/dev/null 2>&1
}

stop_server() {
    [[ -f $state/cluster ]] || return 0
    # shellcheck disable=SC1091
    source "$state/cluster"
    if [[ -f $data/postmaster.pid ]]; then
        as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf -- "$tmp"
    rm -f -- "$state/cluster" "$state/conn" "$state/log" "$state/psql"
}

stop() {
    [[ -d $state ]] || return 0
    lock_state
    if [[ -f $state/holders ]]; then
        grep -vx -- "$PPID" "$state/holders" >"$state/holders.new" || true
        mv "$state/holders.new" "$state/holders"
    fi
    local left
    left=$(prune_holders)
    if ((left > 0)); then
        echo "pg_cluster: still used by another test run (ctest PID $(paste -sd, "$state/holders")): left running" >&2
        return 0
    fi
    stop_server
}

start() {
    mkdir -p "$state"
    lock_state
    if (($(prune_holders) > 0)) && answering; then
        echo "$PPID" >>"$state/holders"
        echo "pg_cluster: joining the cluster of ctest PID $(head -n 1 "$state/holders")" >&2
        return 0
    fi
    stop_server  # a cluster left over from an interrupted run
    rm -f -- "$state/unavailable"
    local bindir
    if ! bindir=$(find_bindir); then
        local reason="PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15-postgis-3 (scripts/install-deps.sh)"
        if [[ ${CI:-} == true ]]; then
            fail "$reason"
        fi
        echo "$reason" >"$state/unavailable"
        echo "pg_cluster: $reason: the postgis tests will skip" >&2
        return 0
    fi
    owner=$(id -un)
    if [[ $(id -u) -eq 0 ]]; then
        owner=nobody
        command -v runuser >/dev/null || fail "running as root needs runuser (util-linux) to start the server as '$owner'"
    fi
    # As root, /tmp: `nobody` must be able to reach the directory (a private TMPDIR may not be).
    local parent=${TMPDIR:-/tmp}
    [[ $owner == "$(id -un)" ]] || parent=/tmp
    tmp=$(mktemp -d "$parent/fergana-pg.XXXXXX")
    local data="$tmp/data"
    log="$tmp/server.log"
    cat >"$state/cluster" <<EOF
tmp='$tmp'
data='$data'
bindir='$bindir'
owner='$owner'
EOF
    local password
    password="fergana-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" >"$tmp/pwfile"
    chmod 700 "$tmp"
    [[ $owner == "$(id -un)" ]] || chown -R "$owner" "$tmp"
    as_owner "$bindir/initdb" -D "$data" -U fergana --pwfile="$tmp/pwfile" --auth-host=scram-sha-256 \
        --auth-local=trust -E UTF8 --no-locale --no-sync >"$tmp/initdb.log" 2>&1 ||
        { cat "$tmp/initdb.log" >&2; fail "initdb failed"; }
    rm -f "$tmp/pwfile"
    # Statement logging, with each client's application_name, lets a test find what its own
    # command sent to the server. Durability is not wanted in a throw-away cluster.
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
log_statement = 'all'
log_line_prefix = '%m [%p] app=%a: '
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 40
timezone = 'UTC'
EOF
    local port="" started=0
    for _ in 1 2 3 4 5; do
        port=$(free_port) || fail "no free TCP port on 127.0.0.1"
        # 9>&-: the server must not inherit (and so hold for ever) the lock on STATE_DIR.
        as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >/dev/null 2>&1 9>&- &&
            { started=1; break; }
    done
    ((started)) || fail "the server did not start (pg_ctl start, see the log below)"
    local psql="$bindir/psql"
    [[ -x $psql ]] || psql=$(command -v psql) || fail "psql not found; install postgresql-client-15"
    run_sql() {
        PGPASSWORD="$password" "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U fergana -d "$1" -c "$2" \
            >/dev/null || fail "SQL failed on $1: $2"
    }
    run_sql postgres "CREATE DATABASE fergana"
    run_sql postgres "CREATE DATABASE fergana_plain"
    run_sql fergana "CREATE EXTENSION postgis"
    # A database that cannot hold every text (Cyrillic): for the test of a write failing half-way.
    run_sql postgres "CREATE DATABASE fergana_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
    run_sql fergana_latin1 "CREATE EXTENSION postgis"
    printf 'PG:host=127.0.0.1 port=%s dbname=fergana user=fergana password=%s\n' "$port" "$password" >"$state/conn"
    printf '%s\n' "$log" >"$state/log"
    echo "$PPID" >"$state/holders"
    printf 'PGPASSWORD=%s %s -X -q -h 127.0.0.1 -p %s -U fergana -d fergana\n' "$password" "$psql" "$port" >"$state/psql"
    echo "pg_cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') with PostGIS on 127.0.0.1:$port ($tmp)" >&2
}

case $action in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
