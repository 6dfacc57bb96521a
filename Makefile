# Quartiers 2030 — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Run apt-get as root, through sudo otherwise.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test venv system-deps browser-deps migrate demo-data serve lint format check clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus récent est requis.")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Debian's Chromium drives the browser tests; never downloaded by the test tool.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installation de Chromium (paquet Debian)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

system-deps: browser-deps

migrate: venv
	$(PY) manage.py migrate --noinput

demo-data: migrate
	$(PY) manage.py demo_setup

serve:
	@echo "Quartiers 2030 sur http://$(HOST):$(PORT)/ (Ctrl-C pour arrêter)"
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

demo: demo-data serve

test: venv system-deps
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
