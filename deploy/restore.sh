#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into a database.
#
#   deploy/restore.sh [--replace] DUMP [TARGET_DATABASE_URL]
#
# TARGET_DATABASE_URL defaults to DATABASE_URL. The target database is created when it does not
# exist; an existing one must be empty, unless --replace, which DROPS it and creates it again
# (stop kaltara-web and kaltara-worker first: a database in use cannot be dropped).
# Afterwards the script prints the row count of every table, to compare with the source.
# Media: tar -C "$MEDIA_ROOT" -xzf kaltara-media-<stamp>.tar.gz
set -euo pipefail

replace=0
if [ "${1:-}" = "--replace" ]; then replace=1; shift; fi
dump=${1:?usage: restore.sh [--replace] DUMP [TARGET_DATABASE_URL]}
target=${2:-${DATABASE_URL:?give TARGET_DATABASE_URL or set DATABASE_URL}}
[ -r "$dump" ] || { echo "restore: cannot read $dump" >&2; exit 2; }
pg_restore --list "$dump" >/dev/null || { echo "restore: $dump is not a pg_dump custom-format archive" >&2; exit 2; }

# The database name is the URL's path; the maintenance connection is the same server's "postgres".
base=${target%%\?*}
name=${base##*/}
case "$name" in '' | *[!A-Za-z0-9_]*) echo "restore: unusable database name in the URL" >&2; exit 2 ;; esac
# The URL's parameters (?host=/run/postgresql for a Unix socket, sslmode=...) apply to both.
maintenance="${base%/*}/postgres${target#"$base"}"
psql_quiet() { psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 "$@"; }

exists=$(psql_quiet --dbname="$maintenance" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = "1" ]; then
  if [ "$replace" = "1" ]; then
    echo "restore: dropping database $name"
    psql_quiet --dbname="$maintenance" -c "DROP DATABASE \"$name\" WITH (FORCE)"
    exists=""
  else
    tables=$(psql_quiet --dbname="$target" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    if [ "$tables" != "0" ]; then
      echo "restore: database $name is not empty ($tables tables); use --replace to drop it first" >&2
      exit 1
    fi
  fi
fi
if [ -z "$exists" ]; then
  psql_quiet --dbname="$maintenance" -c "CREATE DATABASE \"$name\""
fi

jobs=$(nproc 2>/dev/null || echo 2)
pg_restore --no-owner --no-privileges --exit-on-error --jobs="$jobs" --dbname="$target" "$dump"
psql_quiet --dbname="$target" -c "ANALYZE" >/dev/null

echo "restore: $dump -> $name; rows per table:"
psql_quiet --field-separator=' ' --dbname="$target" <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SQL
