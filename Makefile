# Family feedback platform. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes: one per core (pytest-xdist); each has its own PostgreSQL database beside TEST_DATABASE_URL.
TEST_WORKERS ?= auto
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
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

.PHONY: lint
lint: $(VENV)/.dev ## ruff check, format check and the import rule (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

.PHONY: bench
bench: $(VENV)/.dev bench-tools ## Benchmarks (all run; fails at the end if any missed its target): figures go in the README
	@status=0; for name in page_weight import send insight representation survey_browser survey_load; do \
	  $(BIN)/python bench/bench_$$name.py || { status=1; echo "bench_$$name.py missed its target"; }; \
	done; exit $$status

.PHONY: bench-tools
bench-tools: ## Debian's wrk (the load generator) and Chromium for the benchmarks, when missing and apt-get can install them
	@for tool in wrk chromium; do \
	  command -v $$tool >/dev/null && continue; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null 2>&1 || \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null); \
	  else echo "$$tool is not installed (apt-get install $$tool): its benchmark falls back or says so"; fi; \
	done

.PHONY: assets
assets: node_modules/.package-lock.json ## Rebuild feedback/static: CSS, JS, hashed names, .br and .gz (npm run build)
	npm run build
