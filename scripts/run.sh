#!/usr/bin/env bash
# Start the web server, a Celery worker and Celery beat; stop all three on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Đang dừng máy chủ web, Celery worker và beat..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

mkdir -p var/log
$BIN/celery -A config worker --loglevel=INFO --concurrency=2 >var/log/celery-worker.log 2>&1 &
pids+=($!)
$BIN/celery -A config beat --loglevel=INFO >var/log/celery-beat.log 2>&1 &
pids+=($!)

cat <<MSG

  Hệ thống Thi đua, Khen thưởng đang chạy tại http://$HOST:$PORT/
  Celery worker và beat ghi nhật ký vào var/log/. Nhấn Ctrl-C để dừng tất cả.

  Tài khoản mẫu (mật khẩu chung: demo-thidua-2026):
    quantri          Quản trị – Liên minh HTX Việt Nam
    thamdinh         Thẩm định – Ban Tổ chức cán bộ
    hoidong          Thành viên Hội đồng TĐKT (và Lãnh đạo)
    lanhdao          Lãnh đạo – Liên minh HTX Việt Nam
    canbo.vanphong   Cán bộ thi đua – Văn phòng
    quantri.hanoi    Quản trị – Liên minh HTX Hà Nội (và Cán bộ thi đua)
    canbo.hanoi      Cán bộ thi đua – Liên minh HTX Hà Nội
    thutruong.hanoi  Thủ trưởng – Liên minh HTX Hà Nội
    cumtruong        Cụm trưởng – Cụm thi đua các thành phố trực thuộc Trung ương
    canbo.hue        Cán bộ thi đua – Liên minh HTX Huế

MSG
$BIN/python manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)
wait -n "${pids[@]}"
