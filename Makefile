# Quartiers 2030 — two commands on a fresh machine: `make demo` and `make test`.
# Every target is re-runnable and quick once set up (the virtualenv is updated only when
# requirements*.txt or the georef extension's sources change). requirements.txt holds what
# production imports; requirements-dev.txt the test, lint, type-checking and bench tools
# (`make test`, `make lint`, `make check`, `make bench` install them; `make demo` does not).
SHELL := /bin/bash
# Optional local configuration (see .env.example): NAME=value lines, exported to every command
# (they win over the shell's variables). .ci/run sets ENV_FILE= to ignore it.
ENV_FILE ?= .env
ifneq (,$(wildcard $(ENV_FILE)))
include $(ENV_FILE)
export $(shell sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*=.*/\1/p' $(ENV_FILE))
endif
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# apt-get runs as root, through sudo otherwise.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends

.DEFAULT_GOAL := help
.PHONY: help demo demo-geocoder test venv dev-venv runtime-deps build-deps requirements backup restore load python-check browser-deps redis-deps addok addok-stop worker migrate demo-data port-check serve \
	lint format typecheck check bench clean a11y

help:
	@echo "Quartiers 2030 — commandes principales :"
	@echo "  make demo    installe, importe les données du Nord (ou DEPARTEMENT=69…), crée les comptes"
	@echo "               et sert l'application sur http://$(HOST):$(PORT)/"
	@echo "  make test    lance toute la suite de tests (installe Chromium de Debian si besoin)"
	@echo "  make lint    ruff check + ruff format --check"
	@echo "  make check   lint + typecheck + manage.py check + makemigrations --check"
	@echo "  make typecheck  mypy (strict sur les services et sélecteurs)"
	@echo "  make bench   mesures de performance (bench/)"
	@echo "  make a11y    audit d'accessibilité (axe-core dans Chromium, chaque page de chaque rôle)"
	@echo "  make clean   supprime l'environnement virtuel et la base SQLite locale (var/)"

# --- Python environment -------------------------------------------------------------------

python-check:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "Erreur : « $(PYTHON) » est introuvable. Installez Python 3.11 ou plus récent" \
	       "(Debian/Ubuntu : sudo apt install python3 python3-venv)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Erreur : Python 3.11 ou plus récent est requis, « $(PYTHON) » est en version" \
	       "$$($(PYTHON) -c 'import platform; print(platform.python_version())')." \
	       "Indiquez un autre interpréteur, par exemple : make demo PYTHON=python3.12"; exit 1; }
	@# Debian ships venv's ensurepip in a separate package.
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installation du module venv de Python (paquet Debian python3-venv)…"; \
	    $(SUDO) apt-get update -qq && $(APT_INSTALL) python3-venv >/dev/null; \
	  else \
	    echo "Erreur : le module venv de Python est absent. Installez-le (paquet python3-venv)."; \
	    exit 1; \
	  fi; }

# The georef engine's compiled loops: a CPython extension built by `pip install -e .` (setup.py)
# with the C compiler and Python's headers (Debian gcc, python3-dev, installed here when missing).
NATIVE_SOURCES := setup.py pyproject.toml $(wildcard quartiers/georef/native/*.c quartiers/georef/native/*.h)

$(VENV)/.installed: requirements.txt $(NATIVE_SOURCES)
	@$(MAKE) --no-print-directory python-check build-deps
	@echo "Création de l'environnement virtuel $(VENV) et installation des dépendances" \
	      "(une à deux minutes la première fois)…"
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	@# Without a compiler the engine still runs (numpy, slower); in CI that is a failure.
	@$(PIP) install --quiet --disable-pip-version-check --no-deps -e . || { \
	  [ "$${CI:-}" != true ] || exit 1; \
	  echo "Attention : l'extension compilée du moteur georef n'a pas pu être construite ;" \
	       "le calcul numpy, plus lent, sera utilisé (installez gcc et python3-dev)."; }
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	@echo "Installation des outils de test, d'analyse et de mesure (requirements-dev.txt)…"
	@$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements.txt \
	  -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed runtime-deps

dev-venv: venv $(VENV)/.dev-installed

# The C compiler and Python's headers, for the extension (the Python found by $(PYTHON)).
build-deps:
	@{ command -v cc >/dev/null 2>&1 && [ -f "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ]; } \
	|| ! command -v apt-get >/dev/null 2>&1 || { \
	  echo "Installation du compilateur C et des en-têtes de Python (paquets Debian gcc, python3-dev)…"; \
	  $(SUDO) apt-get update -qq && $(APT_INSTALL) gcc libc6-dev python3-dev >/dev/null; }

# requirements.txt and requirements-dev.txt from their .in files, with hashes (pip-tools in a
# throwaway virtualenv).
requirements:
	@tools=$$(mktemp -d); trap 'rm -rf "$$tools"' EXIT; \
	$(PYTHON) -m venv "$$tools" && "$$tools/bin/pip" install --quiet pip-tools && \
	for name in requirements requirements-dev; do \
	  "$$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links \
	    --no-header -o $$name.txt $$name.in; \
	done

# Debian libraries the app needs at run time: Pango for the PDF report (WeasyPrint).
runtime-deps:
	@ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installation de Pango (paquets Debian libpango-1.0-0, libpangoft2-1.0-0)…"; \
	    $(SUDO) apt-get update -qq && $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0 \
	      fonts-dejavu-core >/dev/null; \
	  else \
	    echo "Erreur : la bibliothèque Pango est introuvable ; installez libpango-1.0-0 et" \
	         "libpangoft2-1.0-0 (rapport PDF)."; exit 1; \
	  fi; }

# --- Demo ---------------------------------------------------------------------------------

migrate: venv
	@$(PY) manage.py migrate --noinput

# `make demo DEPARTEMENT=69` sets the application up for another département (default 59).
DEPARTEMENT ?=
demo-data: migrate
	@$(PY) manage.py demo_setup $(if $(DEPARTEMENT),--departement $(DEPARTEMENT))

port-check: venv
	@$(PY) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("$(HOST)", $(PORT)))' 2>/dev/null || { \
	  echo "Erreur : le port $(PORT) de $(HOST) est déjà utilisé (une autre démonstration" \
	       "tourne peut-être). Arrêtez-la ou choisissez un autre port : make demo PORT=8001"; \
	  exit 1; }

# Without a configured geocoder (GEOCODER_URL unset in the environment and .env), the demo
# starts the project's own addok and points the app at it: address lookup works offline.
ADDOK_PORT ?= 7878
DEMO_GEOCODER_URL := $(if $(strip $(GEOCODER_URL)),$(GEOCODER_URL),http://127.0.0.1:$(ADDOK_PORT))

demo-geocoder: venv
ifeq ($(strip $(GEOCODER_URL)),)
	@echo "Aucun géocodeur configuré (GEOCODER_URL) : démarrage du géocodeur addok local…"
	@$(MAKE) --no-print-directory addok ADDOK_PORT=$(ADDOK_PORT)
else
	@echo "Géocodeur configuré : $(GEOCODER_URL)"
endif

serve: port-check
	@echo ""
	@echo "Quartiers 2030 est servi sur http://$(HOST):$(PORT)/ (Ctrl-C pour arrêter)."
	@echo "Géocodeur : $(DEMO_GEOCODER_URL) (manage.py geocoder_check pour le vérifier)."
	@# The task-queue worker (huey, docs/jobs.md) runs beside the server and stops with it.
	@export GEOCODER_URL="$(DEMO_GEOCODER_URL)"; \
	$(PY) manage.py run_huey >var/huey-worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Traitement des fichiers en tâche de fond : manage.py run_huey (journal : var/huey-worker.log)."; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

# Backup and restore of the database and uploaded files (docs/operations.md).
backup: venv
	@mkdir -p var/sauvegardes
	@$(PY) manage.py backup var/sauvegardes/quartiers-$$(date +%Y%m%d-%H%M%S).tar.gz

restore: venv
	@[ -n "$(FILE)" ] || { echo "Indiquez l'archive : make restore FILE=var/sauvegardes/….tar.gz"; exit 1; }
	@$(PY) manage.py restore $(FILE) --yes

# Load test: gunicorn on loopback, 50 concurrent users (bench/load.py).
load: venv
	@$(PY) bench/load.py

# A task-queue worker alone (add workers on other machines with REDIS_URL set).
worker: venv
	$(PY) manage.py run_huey

# The port is checked first, so a busy port fails before any work.
demo: port-check demo-data demo-geocoder serve

# --- Tests and quality --------------------------------------------------------------------

# Debian's Chromium drives the browser tests; the test tool never downloads a browser.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installation de Chromium (paquet Debian chromium)…"; \
	    $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium >/dev/null; \
	  else \
	    echo "Erreur : Chromium est introuvable ; installez le paquet chromium de votre" \
	         "distribution."; exit 1; \
	  fi; }

# Debian's redis-server backs the local addok geocoder (and the task queue in production).
redis-deps:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installation de Redis (paquet Debian redis-server)…"; \
	    $(SUDO) apt-get update -qq && $(APT_INSTALL) redis-server >/dev/null; \
	  else \
	    echo "Erreur : redis-server est introuvable ; installez le paquet redis-server de votre" \
	         "distribution."; exit 1; \
	  fi; }

# Local addok geocoder (the BAN engine) on 127.0.0.1:7878 with its own Redis on 6390, indexing
# the real Nord addresses: the geocoding tests and bench speak to it (see docs/geocoding.md).
addok: redis-deps
	@ADDOK_PORT=$(ADDOK_PORT) bash scripts/addok/setup.sh

addok-stop:
	@-bash scripts/addok/stop.sh

# pytest exits 5 when it collected no test: that is a failure too. The suite runs on every core
# (pytest-xdist: one worker per core, an idle worker takes tests from the others);
# PYTEST_WORKERS=0 runs it in this process alone.
PYTEST_WORKERS ?= auto
test: dev-venv browser-deps addok
	@status=0; $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "Erreur : aucun test n'a été collecté."; fi; \
	exit $$status

# Accessibility audit: axe-core (vendored, tests/vendor) in headless Chromium on every page of
# every role; fails on a serious or critical violation; findings listed in var/a11y.tsv.
a11y: dev-venv browser-deps
	@mkdir -p var && rm -f var/a11y.tsv
	A11Y_REPORT=var/a11y.tsv $(PY) -m pytest tests/browser/test_accessibility.py -q
	@echo "Constats : var/a11y.tsv"

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# mypy: strict on services and selectors, lenient elsewhere (pyproject.toml, [tool.mypy]).
typecheck: dev-venv
	$(VENV)/bin/mypy

check: lint typecheck
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Each bench/*.py script sets up its own throwaway database and prints its own figures. The
# file benchmarks run at their target size, 10 M rows (BENCH_ROWS to change it): about 25 min
# on 2 cores, most of it the realistic file's generation (once, kept under var/bench/) and its
# row-by-row check against shapely; BENCH_ROWS=1000000 takes about 3 min.
BENCH_ROWS ?= 10000000
bench: dev-venv addok
	@echo "Mesures de performance : fichiers de $(BENCH_ROWS) lignes (10 M : environ 25 min)."
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "Aucun script dans bench/."; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
	  case "$$script" in \
	    bench/georef_file.py) args="--rows $(BENCH_ROWS) --rounds 3" ;; \
	    bench/georef_file_realistic.py) args="--rows $(BENCH_ROWS)" ;; \
	    bench/geocode.py) args="--url http://127.0.0.1:$(ADDOK_PORT)" ;; \
	    *) args="" ;; \
	  esac; \
	  echo "== $$script $$args"; \
	  PYTHONPATH=. DJANGO_SETTINGS_MODULE=config.settings $(PY) "$$script" $$args; \
	done

clean:
	-@bash scripts/addok/stop.sh
	rm -rf $(VENV) var .pytest_cache .ruff_cache
