# Cairn's front door. `make run` for the demo, `make test` for the whole suite on both databases.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL := postgres://cairn:cairn@127.0.0.1:5432/cairn
TEST_ENV := DATABASE_URL=$(PG_URL) CAIRN_DEMO=1 CAIRN_HTTPS=0 CAIRN_REQUIRE_2FA=0
# The SQLite suite's database is a file (var/test-cairn.sqlite3, WAL), made afresh each run.
SQLITE_TEST_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/cairn-test-unused.sqlite3 \
	CAIRN_SQLITE_TEST_NAME=$(CURDIR)/var/test-cairn.sqlite3 CAIRN_DEMO=1 CAIRN_HTTPS=0 \
	CAIRN_REQUIRE_2FA=0
SCALE ?= small
BENCH_ENV := CAIRN_DEMO=1 CAIRN_HTTPS=0 CAIRN_REQUIRE_2FA=0
DEMO_ENV := CAIRN_DEMO=1 CAIRN_HTTPS=0 CAIRN_REQUIRE_2FA=0 DATABASE_URL=sqlite:///$(CURDIR)/var/cairn.sqlite3

.PHONY: run dev demo-data test test-postgres test-sqlite suite-postgres suite-sqlite lint typecheck format bench soak deps dev-deps services \
	migrations-check clean

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

# The demo as production serves it: gunicorn with gunicorn.conf.py, static files by WhiteNoise,
# and the timers that send due reminders and run queued jobs every minute (manage.py run_timers).
run: deps demo-data
	@echo "Cairn is starting at http://127.0.0.1:8000  (stop with Ctrl-C)"
	$(DEMO_ENV) BIN=$(BIN) bash scripts/run-demo.sh

# The same demo on Django's autoreloading development server, for working on the code.
dev: deps demo-data
	$(DEMO_ENV) CAIRN_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

demo-data:
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

services:
	bash scripts/install-test-deps.sh
	bash scripts/start-postgres.sh

# The whole suite on PostgreSQL and on SQLite (browser tests included), both at once, one per
# core: PostgreSQL's output as it runs, SQLite's when it ends (scripts/test-both.sh).
test: dev-deps services migrations-check
	bash scripts/test-both.sh

test-postgres: dev-deps services migrations-check suite-postgres

test-sqlite: dev-deps services suite-sqlite

suite-postgres:
	@echo "== the whole suite on PostgreSQL"
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

suite-sqlite:
	mkdir -p var
	@echo "== the whole suite on SQLite"
	$(SQLITE_TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The benchmark suite on its own database (cairn_bench_$(SCALE)): SCALE=small or state.
bench: deps services
	$(BENCH_ENV) $(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

# Load with faults on a throwaway PostgreSQL cluster of its own (not part of `make test`):
# SOAK_SECONDS (default 180) of mixed load, then checks that nothing was lost (bench/soak.py).
soak: deps
	$(BENCH_ENV) $(BIN)/python -m bench.soak

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Models and migrations agree (on the PostgreSQL settings the suite uses).
migrations-check: dev-deps
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run -v 1

typecheck: dev-deps
	CAIRN_DEMO=1 $(BIN)/mypy .

clean:
	rm -rf $(VENV) node_modules var/cairn.sqlite3
