# Family feedback platform. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Links printed and sent point at this server unless PUBLIC_BASE_URL says otherwise.
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: install
install: $(VENV)/.runtime ## Create .venv and install the runtime requirements

.PHONY: run
run: install ## Migrate the SQLite database, load demo data when empty, serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) run --host $(HOST) --port $(PORT)

.PHONY: test
test: $(VENV)/.dev node_modules/.package-lock.json ## Install test requirements and run the whole test suite
	$(BIN)/python -m pytest

.PHONY: lint
lint: $(VENV)/.dev ## ruff check, format check and the import rule (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

.PHONY: bench
bench: $(VENV)/.dev ## Benchmarks: page weight, import speed, send rate, dashboard and representation at scale (figures go in the README)
	$(BIN)/python bench/bench_page_weight.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_send.py
	$(BIN)/python bench/bench_insight.py
	$(BIN)/python bench/bench_representation.py

.PHONY: assets
assets: node_modules/.package-lock.json ## Rebuild feedback/static from govuk-frontend (npm ci && npm run build)
	npm run build
