#!/usr/bin/env bash
# Khôi phục một bản sao lưu do scripts/backup.sh tạo ra. Hướng dẫn: docs/backup-restore.md.
#
#   scripts/restore.sh [--target-url postgres://…] [--media-root THƯ_MỤC] [--no-media]
#                      [--force] [--app-role VAI_TRÒ] [--jobs N] THƯ_MỤC_SAO_LƯU
#
# Steps, each stopping the restore when it fails:
#   1. SHA256SUMS is checked: a dump, media archive or count file that changed is refused;
#   2. the target database (--target-url, else the configured DATABASE_URL) is created if missing
#      and must hold no table, unless --force (which drops and re-creates its schema public);
#   3. pg_restore (without the source's owners and grants: the restoring role owns everything,
#      and `manage.py audit_grants --role VAI_TRÒ` grants the application role its rights again);
#   4. the row count of every table is compared with counts.tsv;
#   5. `manage.py migrate --check` on the restored database;
#   6. the media archive is unpacked into the media folder (--media-root, else MEDIA_ROOT), which
#      must be empty unless --force (the old content is then moved aside, never deleted).
#
# Exit codes: 0 restored and checked; 1 a step failed; 2 wrong usage or configuration;
# 3 the backup is damaged or altered (checksum); 4 the target database or media folder is not
# empty; 5 the row counts differ; 6 `migrate --check` failed (the code expects other migrations).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"

die() { echo "Lỗi: $1" >&2; exit "${2:-1}"; }
say() { echo "[khôi phục] $*"; }

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

target_url="" media_root="" restore_media=1 force=0 app_role="" jobs=2 backup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target-url) [ $# -ge 2 ] || usage; target_url="$2"; shift 2 ;;
    --media-root) [ $# -ge 2 ] || usage; media_root="$2"; shift 2 ;;
    --no-media) restore_media=0; shift ;;
    --force) force=1; shift ;;
    --app-role) [ $# -ge 2 ] || usage; app_role="$2"; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "Tùy chọn không hợp lệ: $1" >&2; usage ;;
    *) [ -z "$backup" ] || usage; backup="$1"; shift ;;
  esac
done
[ -n "$backup" ] || usage
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs phải là số nguyên dương." 2
[ -d "$backup" ] || die "không có thư mục sao lưu $backup." 2
backup="$(cd "$backup" && pwd)"
for tool in pg_restore psql sha256sum tar; do
  command -v "$tool" >/dev/null || die "thiếu lệnh $tool (gói postgresql-client, coreutils, tar)." 2
done
started=$(date +%s)

# 1. Integrity, before anything is touched.
for file in SHA256SUMS database.dump media.tar counts.tsv backup-info.txt; do
  [ -f "$backup/$file" ] || die "bản sao lưu thiếu tệp $file: không phải bản do backup.sh tạo ra, hoặc chưa hoàn tất." 3
done
for file in database.dump media.tar counts.tsv backup-info.txt; do
  grep -Eq "^[0-9a-f]{64}  $file\$" "$backup/SHA256SUMS" \
    || die "SHA256SUMS không ghi mã băm của $file." 3
done
if ! (cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS); then
  die "mã băm SHA-256 không khớp: bản sao lưu $backup đã bị hỏng hoặc bị sửa. Không khôi phục." 3
fi
say "đã kiểm tra mã băm SHA-256 của $backup."

# 2. The target.
if [ -n "$target_url" ]; then
  settings="$("$PYTHON" "$ROOT/scripts/backup_env.py" --url "$target_url")" || die "không đọc được --target-url." 2
else
  settings="$("$PYTHON" "$ROOT/scripts/backup_env.py")" || die "không đọc được cấu hình (DATABASE_URL)." 2
fi
eval "$settings"
export PGHOST PGPORT PGUSER PGPASSWORD
target_db="$PGDATABASE"
unset PGDATABASE
media_root="${media_root:-$APP_MEDIA_ROOT}"
target_label="$target_db trên ${PGHOST:-socket}:${PGPORT:-5432}"

# manage.py on the restored database: --target-url when given, else the configured one.
manage() {
  if [ -n "$target_url" ]; then
    DATABASE_URL="$target_url" MEDIA_ROOT="$media_root" "$PYTHON" "$ROOT/manage.py" "$@"
  else
    MEDIA_ROOT="$media_root" "$PYTHON" "$ROOT/manage.py" "$@"
  fi
}

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

if [ "$restore_media" = 1 ] && [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ] && [ "$force" != 1 ]; then
  die "thư mục tệp tải lên $media_root không rỗng. Dùng thư mục khác (--media-root), --no-media, \
hoặc --force (nội dung cũ được chuyển sang một thư mục bên cạnh, không bị xóa)." 4
fi
exists="$(q postgres "SELECT 1 FROM pg_database WHERE datname = '${target_db//\'/\'\'}'")" \
  || die "không kết nối được máy chủ PostgreSQL ${PGHOST:-socket}:${PGPORT:-5432}." 1
if [ "$exists" != 1 ]; then
  say "tạo cơ sở dữ liệu $target_label."
  q postgres "CREATE DATABASE \"${target_db//\"/\"\"}\"" >/dev/null || die "không tạo được cơ sở dữ liệu $target_db."
fi
tables="$(q "$target_db" "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")"
if [ "$tables" != 0 ]; then
  [ "$force" = 1 ] || die "cơ sở dữ liệu đích $target_label không rỗng ($tables bảng/đối tượng). \
Khôi phục vào một cơ sở dữ liệu mới, hoặc thêm --force để XÓA toàn bộ dữ liệu trong đó." 4
  say "--force: xóa schema public của $target_label."
  # Re-created as a new database has it (PostgreSQL 15): owned by us, usable by everyone.
  q "$target_db" "SET client_min_messages = warning; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;
    GRANT USAGE ON SCHEMA public TO PUBLIC;" >/dev/null
fi

# 3. The database.
say "pg_restore vào $target_label ($jobs luồng)."
pg_restore --no-owner --no-acl --exit-on-error --jobs="$jobs" -d "$target_db" "$backup/database.dump" \
  || die "pg_restore thất bại; cơ sở dữ liệu $target_db có thể đã khôi phục dở dang: xóa nó trước khi thử lại."

# 4. Row counts against the ones read in the dump's own snapshot.
restored_counts="$(mktemp)"
trap 'rm -f "$restored_counts"' EXIT
psql -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -d "$target_db" -f "$ROOT/scripts/row_counts.sql" >"$restored_counts"
if ! diff_output="$(diff "$backup/counts.tsv" "$restored_counts")"; then
  echo "$diff_output" | sed 's/^/    /' >&2
  die "số dòng sau khi khôi phục khác với số đã ghi lúc sao lưu (dòng '<' là lúc sao lưu, '>' là bây giờ)." 5
fi
say "số dòng khớp với lúc sao lưu: $(wc -l <"$restored_counts") bảng, \
$(awk -F'\t' '{ s += $2 } END { print s }' "$restored_counts") dòng."

# 5. Do the code and the restored schema agree?
if ! manage migrate --check >/dev/null; then
  die "manage.py migrate --check báo có migration chưa áp dụng: mã nguồn mới hơn bản sao lưu. \
Dữ liệu đã khôi phục; chạy manage.py migrate (bằng vai trò chủ sở hữu) rồi kiểm tra lại." 6
fi
say "manage.py migrate --check: lược đồ khớp với mã nguồn."

# 6. Media.
if [ "$restore_media" = 1 ]; then
  parent="$(dirname "$media_root")"
  mkdir -p "$parent"
  fresh="$(mktemp -d "$parent/.restore-media-XXXXXX")"
  tar -C "$fresh" -xf "$backup/media.tar" || { rm -rf -- "$fresh"; die "không giải nén được media.tar."; }
  if [ -d "$media_root" ]; then
    if [ -n "$(ls -A "$media_root")" ]; then
      aside="$media_root.truoc-khoi-phuc-$(date -u +%Y%m%dT%H%M%SZ)"
      mv "$media_root" "$aside"
      say "nội dung cũ của $media_root đã chuyển sang $aside."
    else
      rmdir "$media_root"
    fi
  fi
  mv "$fresh" "$media_root"
  chmod 750 "$media_root"
  expected="$(sed -n 's/^media_files=//p' "$backup/backup-info.txt")"
  found="$(find "$media_root" -type f | wc -l)"
  [ "$found" = "$expected" ] || die "khôi phục $found tệp tải lên, bản sao lưu ghi $expected." 1
  say "đã khôi phục $found tệp tải lên vào $media_root."
fi

# Grants of the application role (the dump's own grants were not restored).
if [ -n "$app_role" ]; then
  q "$target_db" "GRANT CONNECT ON DATABASE \"${target_db//\"/\"\"}\" TO \"${app_role//\"/\"\"}\";
    GRANT USAGE ON SCHEMA public TO \"${app_role//\"/\"\"}\";" >/dev/null \
    || die "không cấp được quyền kết nối cho vai trò $app_role (vai trò có tồn tại không?)."
  manage audit_grants --role "$app_role" \
    || die "manage.py audit_grants --role $app_role thất bại."
  say "đã cấp quyền cho vai trò ứng dụng $app_role."
else
  say "nhắc: chạy manage.py audit_grants --role <vai trò ứng dụng> trên cơ sở dữ liệu này trước khi mở cho người dùng."
fi

say "hoàn tất sau $(( $(date +%s) - started )) giây."
