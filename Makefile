# Diandiantong (点点通). Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DDT := $(BIN)/ddt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo serve test test-sqlite test-postgres test-clock lint format bench migrate clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

migrate: setup
	mkdir -p var
	$(DDT) migrate --noinput
	$(DDT) createcachetable
	$(DDT) codes load

demo: migrate  # the development server and one task worker under one supervisor; Ctrl-C stops both
	DDT_DEBUG=1 $(DDT) demo load
	DDT_DEBUG=1 HOST=$(HOST) PORT=$(PORT) $(BIN)/python scripts/serve.py demo

# Production from a clone (docs/operations.md): settings from the environment (DDT_SECRET_KEY,
# DDT_DATABASE_URL, DDT_ALLOWED_HOSTS, HOST, PORT, DDT_WEB_WORKERS, DDT_TASK_WORKERS), checked
# before installing anything; then `ddt prepare` and gunicorn + task workers under one supervisor.
serve:
	@$(PYTHON) scripts/serve.py production --check-only
	@$(MAKE) --no-print-directory setup
	$(BIN)/python scripts/serve.py production

test: setup
	$(BIN)/python scripts/run_tests.py

test-sqlite: setup
	$(BIN)/python scripts/run_tests.py --only sqlite

test-postgres: setup
	$(BIN)/python scripts/run_tests.py --only postgres

test-clock: setup  # the suite on other days (DDT_TEST_TODAY); part of `make test` in CI
	$(BIN)/python scripts/run_tests.py --only clock

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf var/static test-artifacts
