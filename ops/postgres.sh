#!/usr/bin/env bash
# A throwaway local PostgreSQL for the tests and the scale-out mode.
#
#   ops/postgres.sh start   # install if needed, initdb, start; idempotent
#   ops/postgres.sh stop    # stop it if running
#   ops/postgres.sh url     # print the URL line only
#
# The LAST line `start` and `url` print on stdout is exactly
#   KKM_TEST_POSTGRES_URL=postgresql+psycopg://kkm:kkm@127.0.0.1:<port>/kkm_test
# and everything else goes to stderr, so `$(ops/postgres.sh start | tail -n1)` works.
#
# THIS SERVER IS FOR TESTS ONLY: it trusts every local and 127.0.0.1
# connection without a password and runs with fsync off. Never use it for
# real data. It listens on 127.0.0.1 only, port ${KKM_PG_PORT:-55432}, with its
# unix socket in /tmp. Databases: kkm_test, kkm_app, kkm_prefect; role kkm
# (superuser, password kkm).
set -euo pipefail

PORT=${KKM_PG_PORT:-55432}
HOST=127.0.0.1
SOCKDIR=/tmp
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
URL_LINE="KKM_TEST_POSTGRES_URL=postgresql+psycopg://kkm:kkm@${HOST}:${PORT}/kkm_test"
DATABASES=(kkm_test kkm_app kkm_prefect)

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

find_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -n $d && -x $d/pg_ctl ]]; then
        echo "$d"
    fi
}

install_postgres() {
    local sudo=()
    if [[ $IS_ROOT -ne 1 ]]; then
        command -v sudo >/dev/null 2>&1 || die "PostgreSQL is not installed and I am not root: apt-get install postgresql"
        sudo=(sudo)
    fi
    log "installing Debian's postgresql package..."
    export DEBIAN_FRONTEND=noninteractive
    local attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        # Another apt-get (e.g. ops/install_browser.sh) may hold the lock.
        if "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
            break
        fi
        [[ $attempt -eq 10 ]] && die "apt-get update failed"
        sleep 15
    done
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        postgresql >&2
}

# Run a PostgreSQL server binary as the user that owns the cluster:
# PostgreSQL refuses to run as root, so as root we use the `postgres` system
# user that Debian's package creates.
as_pg() {
    if [[ $IS_ROOT -eq 1 ]]; then
        # cd /: the postgres user may not be allowed into the current directory.
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# The data directory: $ROOT/var/pg (var/ is git-ignored). As root, the
# `postgres` user must be able to traverse every parent of it (`namei -l`
# shows them); when a parent is root-only (e.g. a 0700 home directory) we put
# the data directory under /var/tmp/kkm-pg-$PORT instead. The choice depends
# only on the permissions, so start/stop/url always agree.
choose_datadir() {
    local want=$ROOT/var/pg
    if [[ $IS_ROOT -ne 1 ]]; then
        echo "$want"
        return
    fi
    if id postgres >/dev/null 2>&1 && runuser -u postgres -- test -x "$ROOT/" 2>/dev/null \
        && { [[ ! -e $ROOT/var ]] || runuser -u postgres -- test -x "$ROOT/var" 2>/dev/null; }; then
        echo "$want"
    else
        echo "/var/tmp/kkm-pg-$PORT"
    fi
}

psql_admin() {
    # Trust auth: any role name works; `postgres` is the bootstrap superuser.
    "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PORT" -U postgres -d postgres "$@"
}

ensure_role_and_dbs() {
    local exists db
    exists=$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'kkm'")
    if [[ $exists != 1 ]]; then
        log "creating role kkm"
        psql_admin -c "CREATE ROLE kkm LOGIN SUPERUSER PASSWORD 'kkm'" >&2
    fi
    for db in "${DATABASES[@]}"; do
        exists=$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
        if [[ $exists != 1 ]]; then
            log "creating database $db"
            psql_admin -c "CREATE DATABASE $db OWNER kkm ENCODING 'UTF8' TEMPLATE template0" >&2
        fi
    done
}

is_running() {
    [[ -f $DATA/PG_VERSION ]] && as_pg "$BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

wait_ready() {
    local i
    for i in $(seq 1 60); do
        if "$BINDIR/pg_isready" -q -h "$HOST" -p "$PORT"; then
            return 0
        fi
        sleep 0.5
    done
    die "server did not answer pg_isready on $HOST:$PORT within 30 s (log: $DATA/server.log)"
}

do_init() {
    log "initdb in $DATA"
    # var/ must stay traversable for the postgres user whatever the umask.
    [[ $DATA == "$ROOT/var/pg" && ! -d $ROOT/var ]] && mkdir -m 0755 "$ROOT/var"
    mkdir -p "$DATA"
    if [[ $IS_ROOT -eq 1 ]]; then
        chown postgres:postgres "$DATA"
    fi
    chmod 0700 "$DATA"
    # -A trust: no passwords for local or 127.0.0.1 connections (test server only).
    as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2 \
        || as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >&2
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- ops/postgres.sh: throwaway test server ---
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$SOCKDIR'
max_connections = 200
# Durability off: faster tests; a crash may lose this server's data (fine).
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

cmd_start() {
    if [[ -z $BINDIR ]]; then
        install_postgres
        BINDIR=$(find_bindir)
        [[ -n $BINDIR ]] || die "pg_ctl not found under /usr/lib/postgresql/*/bin after install"
    fi
    [[ $IS_ROOT -eq 1 ]] && ! id postgres >/dev/null 2>&1 && die "no 'postgres' system user"
    DATA=$(choose_datadir)
    if [[ $DATA != "$ROOT/var/pg" ]]; then
        log "postgres cannot traverse $ROOT; using $DATA"
    fi

    if is_running; then
        log "already running ($DATA, port $PORT)"
    elif "$BINDIR/pg_isready" -q -h "$HOST" -p "$PORT"; then
        # Something else answers on our port: most likely this script's server
        # from another checkout (e.g. CI's fresh clone on a developer machine).
        # Use it if it accepts our credentials; otherwise give up.
        if PGPASSWORD=kkm "$BINDIR/psql" -X -q -h "$HOST" -p "$PORT" -U kkm -d postgres \
            -tAc "SELECT 1" >/dev/null 2>&1; then
            log "another kkm test server already answers on $HOST:$PORT; using it"
        else
            die "port $PORT is taken by a server that is not ours; set KKM_PG_PORT"
        fi
    else
        if [[ ! -f $DATA/PG_VERSION ]]; then
            do_init
        fi
        if [[ $IS_ROOT -eq 1 ]]; then
            chown -R postgres:postgres "$DATA"
        fi
        log "starting on $HOST:$PORT ($DATA)"
        as_pg "$BINDIR/pg_ctl" start -D "$DATA" -l "$DATA/server.log" -w -t 60 >&2 \
            || { tail -n 30 "$DATA/server.log" >&2 || true; die "pg_ctl start failed"; }
    fi
    wait_ready
    ensure_role_and_dbs
    echo "$URL_LINE"
}

cmd_stop() {
    if [[ -z $BINDIR ]]; then
        log "PostgreSQL is not installed; nothing to stop"
        return 0
    fi
    DATA=$(choose_datadir)
    if is_running; then
        log "stopping ($DATA)"
        as_pg "$BINDIR/pg_ctl" stop -D "$DATA" -m fast -w >&2
    else
        log "not running ($DATA)"
    fi
}

BINDIR=$(find_bindir)
DATA=

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) echo "$URL_LINE" ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
