#!/bin/sh
# Honours the official postgres image's variables: POSTGRES_PASSWORD(_FILE),
# POSTGRES_USER, POSTGRES_DB. Initialises PGDATA on first start, then serves.
set -eu

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
        POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
    fi
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "error: the database is uninitialised and POSTGRES_PASSWORD (or _FILE) is not set" >&2
        exit 1
    fi
    user=${POSTGRES_USER:-postgres}
    db=${POSTGRES_DB:-$user}

    password_file=$(mktemp)
    printf '%s' "$POSTGRES_PASSWORD" >"$password_file"
    initdb --username="$user" --pwfile="$password_file" \
        --auth-local=trust --auth-host=scram-sha-256
    rm -f "$password_file"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"

    if [ "$db" != postgres ]; then
        # A private socket keeps pg_isready from reporting ready before init ends.
        init_socket=$(mktemp -d)
        pg_ctl -w -o "-c listen_addresses='' -c unix_socket_directories=$init_socket" start
        createdb --host="$init_socket" --username="$user" "$db"
        pg_ctl -w -m fast stop
        rmdir "$init_socket"
    fi
fi

exec "$@"
