# Diandiantong (点点通). Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DDT := $(BIN)/ddt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo test test-sqlite test-postgres test-clock lint format bench migrate clean

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

demo: migrate
	DDT_DEBUG=1 $(DDT) demo load
	@echo "点点通 demo: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	DDT_DEBUG=1 $(DDT) runserver $(HOST):$(PORT)

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
