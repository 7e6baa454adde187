# Cairn's front door. `make run` for the demo, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL := postgres://cairn:cairn@127.0.0.1:5432/cairn
TEST_ENV := DATABASE_URL=$(PG_URL) CAIRN_DEMO=1 CAIRN_HTTPS=0 CAIRN_REQUIRE_2FA=0
SCALE ?= small
BENCH_ENV := CAIRN_DEMO=1 CAIRN_HTTPS=0 CAIRN_REQUIRE_2FA=0
DEMO_ENV := CAIRN_DEMO=1 CAIRN_HTTPS=0 CAIRN_REQUIRE_2FA=0 DATABASE_URL=sqlite:///$(CURDIR)/var/cairn.sqlite3

.PHONY: run test lint typecheck format bench deps dev-deps services migrations-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check .
	touch $@

$(VENV)/.dev-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check '.[dev]'
	touch $(VENV)/.deps $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps node_modules/.installed

run: deps
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "Cairn is starting at http://127.0.0.1:8000  (stop with Ctrl-C)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000 --insecure

services:
	bash scripts/install-test-deps.sh
	bash scripts/start-postgres.sh

test: dev-deps services
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run -v 1
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The benchmark suite on its own database (cairn_bench_$(SCALE)): SCALE=small or state.
bench: deps services
	$(BENCH_ENV) $(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: dev-deps
	CAIRN_DEMO=1 $(BIN)/mypy .

clean:
	rm -rf $(VENV) node_modules var/cairn.sqlite3
