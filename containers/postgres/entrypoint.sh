#!/bin/sh
# Entry point of the compose project's PostgreSQL: on the first start (an empty volume), creates
# the cluster, the role en3s with EN3S_DB_PASSWORD and its database; then runs the server in the
# foreground (SIGTERM from the container engine is a fast shutdown).
set -eu

bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${EN3S_DB_PASSWORD:-}" ]; then
    echo "EN3S_DB_PASSWORD : non défini ; il faut le mot de passe du rôle en3s pour créer la base" >&2
    exit 2
  fi
  "$bin/initdb" --pgdata="$PGDATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # Only the local socket while the role is created: nobody connects to a half-made database.
  "$bin/pg_ctl" --pgdata="$PGDATA" --wait --silent \
    --options="-c listen_addresses='' -c unix_socket_directories=/tmp" start
  "$bin/psql" --host=/tmp --username=postgres --dbname=postgres --set=ON_ERROR_STOP=1 --quiet \
    --set=password="$EN3S_DB_PASSWORD" <<'SQL'
CREATE ROLE en3s LOGIN PASSWORD :'password';
CREATE DATABASE en3s OWNER en3s ENCODING 'UTF8';
SQL
  "$bin/pg_ctl" --pgdata="$PGDATA" --wait --silent stop
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp
