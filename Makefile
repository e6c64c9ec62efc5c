# The two commands of the README: `make run` and `make test`.
# Both work on a fresh Debian machine: as root they install the system packages they need
# (otherwise they print the apt-get command to run), then create .venv and install the
# Python requirements.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := fonts-liberation2 libharfbuzz-subset0 poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0
BROWSER_PACKAGES := chromium

.PHONY: run test install system-packages browser demo bench clean-db messages dev-env audit

run: system-packages install dev-env
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-1} scripts/run.sh

test: system-packages browser install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# xstatic-bootstrap is an sdist whose build imports pkg_resources, which setuptools 81 dropped:
# install an older setuptools first and build without isolation.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip "setuptools<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation -r requirements.txt
	touch $@

# A developer's .env (never created by `install`, which production uses too), so that a plain
# `.venv/bin/python manage.py …` works and uses the same database as `make run`.
dev-env:
	@test -f .env || { printf '# Developer settings written by make run; see .env.example.\nDEBUG=1\n' > .env; echo "Đã tạo .env (DEBUG=1) cho máy phát triển"; }

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Cài gói hệ thống:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Thiếu gói hệ thống:$$missing — hãy chạy: sudo apt-get install -y$$missing"; \
	  fi; \
	fi

# Browser tests drive Debian's Chromium; install it when we can (root), otherwise they skip
# and say why (or fail under REQUIRE_SERVICES=1).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Cài Chromium cho kiểm thử trình duyệt"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null || true; \
	fi

demo: install dev-env
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo

# Benchmark of the organization list (/don-vi/) under gunicorn with production settings, on a
# database already seeded with `seed_demo --scale national` (how: bench/RESULTS.md).
#   make bench BENCH_DATABASE_URL=sqlite:////abs/path.sqlite3 BENCH_REQUESTS=50 BENCH_ARGS="--users quantri"
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_thidua
BENCH_REQUESTS ?= 200
bench: install
	$(BIN)/python bench/org_list.py --database-url "$(BENCH_DATABASE_URL)" --requests $(BENCH_REQUESTS) $(BENCH_ARGS)

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=bench
	DEBUG=1 $(BIN)/python manage.py compilemessages -l vi --ignore=.venv

clean-db:
	rm -f var/db.sqlite3

# Known vulnerabilities in the pinned requirements (quality target S13). pip-audit is a tool, not
# a requirement of the application: installed into .venv here only. It asks PyPI's JSON API
# (or `make audit AUDIT_ARGS="-s osv"`); on a closed network it reports every package as
# "could not be audited", which --strict turns into a failure rather than a clean result.
AUDIT_ARGS ?=
audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --strict -r requirements.txt $(AUDIT_ARGS)
