# Hourbook: two commands on a fresh machine, `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYENV_ROOT ?= $(HOME)/.pyenv

# Python 3.13: on the PATH first, then pyenv; otherwise stop with what to install.
PYTHON313 := $(shell command -v python3.13 2>/dev/null || ls $(PYENV_ROOT)/versions/3.13*/bin/python3.13 2>/dev/null | tail -1)

.PHONY: demo test venv install system-deps serve lint format test-sqlite test-postgres e2e bench clean

$(PY):
	@if [ -z "$(PYTHON313)" ]; then \
	  echo "Hourbook needs Python 3.13 (Django 6). Install it (apt-get install python3.13, or pyenv install 3.13) and run make again." >&2; \
	  exit 1; fi
	$(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

venv: $(PY)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium; CJK fonts so Chinese renders. Never a browser download.
# The deployment tests (hourbook/common/tests/test_deploy.py) run nginx -t, systemd-analyze verify and shellcheck
# on deploy/, and the backup script needs rsync.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" \
	  || [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/systemd-analyze ] || [ ! -x /usr/bin/shellcheck ] || [ ! -x /usr/bin/rsync ]; then \
	  echo "Installing chromium, fonts-noto-cjk, nginx, systemd, shellcheck and rsync from the OS package manager"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk nginx systemd shellcheck rsync >/dev/null; \
	fi

# The task worker runs beside the development server, so background jobs (the year's records export) finish.
demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	$(PY) manage.py db_worker --no-reload --no-startup-delay --interval 1 -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

serve: install
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite: lint, migrations check, unit and integration tests, browser tests.
test: install system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 -q

bench: install
	@ls bench/*.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
