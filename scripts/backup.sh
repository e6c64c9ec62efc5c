#!/usr/bin/env bash
# Sao lưu hệ thống Thi đua, Khen thưởng: cơ sở dữ liệu PostgreSQL (pg_dump -Fc) và thư mục tệp tải
# lên (MEDIA_ROOT), vào một thư mục có dấu thời gian, kèm số dòng của từng bảng và bảng băm SHA-256.
# Hướng dẫn: docs/backup-restore.md.
#
#   scripts/backup.sh [--dest THƯ_MỤC] [--keep-daily N] [--keep-monthly N] [--no-prune]
#   scripts/backup.sh --prune-only [--dest THƯ_MỤC] [--keep-daily N] [--keep-monthly N]
#
# The database and media folder are those the application uses: scripts/backup_env.py reads them
# from the settings (environment first, then the checkout's .env). BACKUP_DIR, BACKUP_KEEP_DAILY
# and BACKUP_KEEP_MONTHLY give the defaults of the options.
#
# A backup directory thidua-YYYYMMDDTHHMMSSZ/ holds:
#   database.dump    pg_dump custom format
#   media.tar        the media folder (uploads are PDFs and images: compressing gains nothing)
#   counts.tsv       exact row count of every table, read in the same snapshot as the dump
#   backup-info.txt  when, what, which versions
#   SHA256SUMS       sha256sum of the four files above (restore.sh refuses a mismatch)
# It is written under a .partial- name and renamed only when complete, so a crashed run never
# looks like a backup.
#
# Exit codes: 0 done; 1 a step failed; 2 wrong usage or configuration.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"

die() { echo "Lỗi: $1" >&2; exit "${2:-1}"; }
say() { echo "[sao lưu] $*"; }

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

dest="" keep_daily="" keep_monthly="" prune=1 prune_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dest) [ $# -ge 2 ] || usage; dest="$2"; shift 2 ;;
    --keep-daily) [ $# -ge 2 ] || usage; keep_daily="$2"; shift 2 ;;
    --keep-monthly) [ $# -ge 2 ] || usage; keep_monthly="$2"; shift 2 ;;
    --no-prune) prune=0; shift ;;
    --prune-only) prune_only=1; shift ;;
    -h|--help) usage ;;
    *) echo "Tùy chọn không hợp lệ: $1" >&2; usage ;;
  esac
done

[ -x "$PYTHON" ] || die "không tìm thấy $PYTHON (chạy make install trước)." 2
if [ "$prune_only" = 1 ]; then
  settings="$("$PYTHON" "$ROOT/scripts/backup_env.py" --no-database)" || die "không đọc được cấu hình." 2
else
  settings="$("$PYTHON" "$ROOT/scripts/backup_env.py")" || die "không đọc được cấu hình (DATABASE_URL, MEDIA_ROOT)." 2
fi
eval "$settings"
export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE

dest="${dest:-$BACKUP_DIR}"
keep_daily="${keep_daily:-$BACKUP_KEEP_DAILY}"
keep_monthly="${keep_monthly:-$BACKUP_KEEP_MONTHLY}"
[[ "$keep_daily" =~ ^[0-9]+$ && "$keep_monthly" =~ ^[0-9]+$ ]] \
  || die "--keep-daily và --keep-monthly phải là số nguyên không âm." 2
[ "$keep_daily" -ge 1 ] || die "--keep-daily phải ít nhất là 1 (bản vừa tạo luôn được giữ)." 2

# Retention: keep the newest backup of each of the newest $keep_daily days, and the newest backup
# of each of the newest $keep_monthly months; delete every other thidua-* directory. Names sort
# by time (UTC timestamps), so a reverse sort walks from the newest.
prune_backups() {
  local dir="$1" name day month kept_days=0 kept_months=0 last_day="" last_month="" keep
  [ -d "$dir" ] || return 0
  local removed=0
  while IFS= read -r name; do
    day="${name:7:8}"      # thidua-YYYYMMDD...
    month="${name:7:6}"
    keep=0
    if [ "$day" != "$last_day" ]; then
      last_day="$day"
      if [ "$kept_days" -lt "$keep_daily" ]; then kept_days=$((kept_days + 1)); keep=1; fi
      if [ "$month" != "$last_month" ]; then
        last_month="$month"
        if [ "$kept_months" -lt "$keep_monthly" ]; then kept_months=$((kept_months + 1)); keep=1; fi
      fi
    fi
    if [ "$keep" = 0 ]; then
      rm -rf -- "${dir:?}/$name"
      removed=$((removed + 1))
    fi
  done < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'thidua-[0-9]*T[0-9]*Z' -printf '%f\n' | sort -r)
  say "giữ $kept_days bản theo ngày, $kept_months bản theo tháng; đã xóa $removed bản cũ trong $dir."
}

if [ "$prune_only" = 1 ]; then
  prune_backups "$dest"
  exit 0
fi

for tool in pg_dump psql sha256sum tar; do
  command -v "$tool" >/dev/null || die "thiếu lệnh $tool (gói postgresql-client, coreutils, tar)." 2
done

started=$(date +%s)
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
partial="$dest/.partial-thidua-$stamp"
final="$dest/thidua-$stamp"
[ ! -e "$final" ] || die "$final đã tồn tại (hai lần sao lưu trong cùng một giây?)."
mkdir -m 700 "$partial"

psql_pid=""
cleanup() {
  local status=$?
  if [ -n "$psql_pid" ]; then kill "$psql_pid" 2>/dev/null || true; fi
  if [ -d "$partial" ]; then
    rm -rf -- "$partial"
    [ "$status" = 0 ] || echo "Sao lưu KHÔNG thành công; đã xóa thư mục dở dang $partial." >&2
  fi
}
trap cleanup EXIT

say "cơ sở dữ liệu ${PGDATABASE} trên ${PGHOST:-socket}:${PGPORT:-5432} → $final"

# One read-only REPEATABLE READ transaction exports its snapshot: the row counts are read in it
# and pg_dump reads the same snapshot, so counts.tsv describes exactly what database.dump holds
# even while users keep working.
coproc PSQL { exec psql -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1; }
psql_pid=$PSQL_PID
{
  echo "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
  echo "SELECT pg_export_snapshot();"
} >&"${PSQL[1]}"
read -r -t 60 snapshot <&"${PSQL[0]}" || die "không mở được giao dịch đọc trên cơ sở dữ liệu ${PGDATABASE}."
{
  echo "\\i '$ROOT/scripts/row_counts.sql'"
  echo "\\echo __HET__"
} >&"${PSQL[1]}"
: >"$partial/counts.tsv"
line=""
while IFS= read -r -t 600 line <&"${PSQL[0]}"; do
  [ "$line" = "__HET__" ] && break
  printf '%s\n' "$line" >>"$partial/counts.tsv"
done
[ "$line" = "__HET__" ] || die "không đếm được số dòng các bảng."
[ -s "$partial/counts.tsv" ] || die "cơ sở dữ liệu ${PGDATABASE} không có bảng nào (chưa chạy migrate?)."

pg_dump -Fc --snapshot="$snapshot" -f "$partial/database.dump" \
  || die "pg_dump thất bại."
echo "COMMIT;" >&"${PSQL[1]}"
psql_in=${PSQL[1]}
exec {psql_in}>&-  # end of input: psql exits
wait "$psql_pid" || true
psql_pid=""

# Media after the dump: every file the dumped rows name already existed when the dump started.
if [ -d "$APP_MEDIA_ROOT" ]; then
  tar -C "$APP_MEDIA_ROOT" -cf "$partial/media.tar" . || die "không đóng gói được $APP_MEDIA_ROOT."
  media_files=$(tar -tf "$partial/media.tar" | grep -vc '/$' || true)
else
  say "cảnh báo: thư mục tệp tải lên $APP_MEDIA_ROOT không tồn tại; media.tar rỗng."
  tar -cf "$partial/media.tar" -T /dev/null
  media_files=0
fi

server_version="$(psql -X -A -t -c 'SHOW server_version' 2>/dev/null || echo '?')"
commit="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo '?')"
cat >"$partial/backup-info.txt" <<INFO
format=1
created_utc=$stamp
database=$PGDATABASE
host=${PGHOST:-socket}:${PGPORT:-5432}
server_version=$server_version
pg_dump=$(pg_dump --version)
media_root=$APP_MEDIA_ROOT
media_files=$media_files
tables=$(wc -l <"$partial/counts.tsv")
application_commit=$commit
INFO

(cd "$partial" && sha256sum database.dump media.tar counts.tsv backup-info.txt >SHA256SUMS)
chmod 600 "$partial"/*
mv "$partial" "$final"

say "xong sau $(( $(date +%s) - started )) giây: $(du -sh "$final" | cut -f1), \
$(wc -l <"$final/counts.tsv") bảng, $media_files tệp tải lên."

if [ "$prune" = 1 ]; then
  prune_backups "$dest"
fi
