#!/usr/bin/env bash
# A throw-away PostgreSQL server on a local port, for the store and pipeline tests.
# `source` it, then `pg_server_start` (exports EN3S_TEST_PG_URL) and `pg_server_stop`.
pg_server_start() {
  local bindir
  bindir=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)")
  [ -x "$bindir/pg_ctl" ] || { echo "pg-server: PostgreSQL is not installed" >&2; return 1; }
  PG_TEST_DIR=$(mktemp -d -t en3s-pg-XXXXXX)
  PG_TEST_PORT=${PG_TEST_PORT:-55432}
  chown postgres "$PG_TEST_DIR" 2>/dev/null || true
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres -A trust --no-sync >/dev/null
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w \
    -o "-p $PG_TEST_PORT -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  export EN3S_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_TEST_PORT/postgres"
  export PG_TEST_DIR PG_TEST_BINDIR="$bindir"
  echo "pg-server: PostgreSQL on 127.0.0.1:$PG_TEST_PORT"
}

pg_server_stop() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
}
