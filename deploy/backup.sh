#!/usr/bin/env bash
# Backup of Portal Karang Taruna Kaltara: pg_dump in PostgreSQL's custom format (compressed,
# restorable table by table, in parallel) into BACKUP_DIR, plus a tarball of MEDIA_ROOT when
# BACKUP_MEDIA=1; backups older than BACKUP_KEEP_DAYS days are removed (never the newest).
# Run daily by kaltara-backup.timer with /etc/kaltara/kaltara.env; restore with deploy/restore.sh.
#
#   DATABASE_URL=postgres://... BACKUP_DIR=/srv/kaltara/backups deploy/backup.sh
#
# Copy BACKUP_DIR off the machine too (another building): a backup on the same disk is no backup.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
backup_dir=${BACKUP_DIR:-/srv/kaltara/backups}
keep_days=${BACKUP_KEEP_DAYS:-14}
case "$keep_days" in '' | *[!0-9]*) echo "BACKUP_KEEP_DAYS must be a number of days" >&2; exit 2 ;; esac

umask 077
mkdir -p "$backup_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$backup_dir/kaltara-$stamp.dump"
partial="$backup_dir/.kaltara-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

# libpq reads the URL itself; the password never appears on a command line (ps) or in the log.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL"
# A dump that pg_restore cannot read is not a backup: check the table of contents before keeping it.
tables=$(pg_restore --list "$partial" | grep -c ' TABLE DATA ' || true)
mv "$partial" "$dump"
echo "backup: $dump ($(du -h "$dump" | cut -f1), $tables tables)"

if [ "${BACKUP_MEDIA:-0}" = "1" ] && [ -d "${MEDIA_ROOT:-}" ]; then
  media="$backup_dir/kaltara-media-$stamp.tar.gz"
  tar -C "$MEDIA_ROOT" -czf "$media.partial" . && mv "$media.partial" "$media"
  echo "backup: $media ($(du -h "$media" | cut -f1))"
fi

# Retention: remove what is older than keep_days, but always keep the newest dump.
removed=$(find "$backup_dir" -maxdepth 1 -type f \( -name 'kaltara-*.dump' -o -name 'kaltara-media-*.tar.gz' \) \
  -mtime +"$keep_days" ! -name "$(basename "$dump")" -print -delete | wc -l)
echo "backup: $removed old file(s) removed (older than $keep_days days)"
