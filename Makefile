# hellomod — `make run` for a local back-office, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The quick-start run: SQLite and a file-based Celery broker under var/, no server needed.
RUN_ENV := DEBUG=1

# The suite runs against the real PostgreSQL and Redis of this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hellomod
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
TEST_BROKER_URL ?= redis://127.0.0.1:6379/2
# Production-like settings for the suite and the benchmark, without TLS on localhost.
SERVER_ENV := DEBUG=0 SECRET_KEY=tests-only-secret-key-that-is-long-enough-for-django-checks \
	ALLOWED_HOSTS=localhost,127.0.0.1,testserver SECURE_SSL_REDIRECT=0 \
	SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 STATIC_MANIFEST=0
TEST_ENV := $(SERVER_ENV) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) HELLOMOD_VAR_DIR=$(CURDIR)/var/test

.PHONY: install messages run migrate seed test pytest lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The translation catalogues: written as .po in locale/, compiled here, never by hand.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

%.mo: %.po | $(STAMP)
	msgfmt --check-format -o $@ $<

install: $(STAMP) $(CATALOGUES)

# Re-extract the strings to translate after changing templates or code.
# Members read every language of settings.LANGUAGES, staff the first two (hellomod/catalogues.py).
LOCALES := zh_Hans es fr de it pt ru ja ko zh_Hant ar hi
messages: install
	$(RUN_ENV) $(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) --ignore=.venv \
		--ignore=tests --ignore=var --ignore=bench --no-obsolete

# The quick start keeps its SQLite file and the file broker's folders under var/.
migrate: install
	mkdir -p var/broker/queue var/broker/control
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

# Web on http://127.0.0.1:8000, a Celery worker and beat; Ctrl-C stops all three.
run: seed
	$(RUN_ENV) $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# ARGS narrows the run, e.g. `make test ARGS="tests/reports -k constraint"`.
test: lint pytest

# The suite alone, without the lint step: two processes (one per core), each test file whole
# in one of them, each with its own test database, Redis databases and var/ (tests/parallel.py).
# PYTEST_WORKERS=0 runs it in one process. Schemathesis gives the test of every API operation
# the same id, which a parallel run takes for one test: that file runs after the rest, alone.
PYTEST_WORKERS ?= 2
SCHEMA_FUZZ := tests/api/test_schema_fuzz.py
pytest: install
ifdef ARGS
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(ARGS)
else
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --ignore=$(SCHEMA_FUZZ)
	$(TEST_ENV) $(BIN)/pytest $(SCHEMA_FUZZ)
endif

# The benchmark: a fresh PostgreSQL database (its name must contain "bench") and Redis database,
# BENCH_REPORTS reports seeded with COPY, then every hot path measured beside its anchor, what
# each operation costs, and the capacity model computed from it.
# Needs wrk (Debian package `wrk`) for the intake load. Writes bench/results.json.
BENCH_REPORTS ?= 1000000
# Growth mode: the queue page, next case and intake measured first at these volumes too, each in
# a fresh database, and their cost at BENCH_REPORTS compared with it (empty: no growth run).
BENCH_GROWTH ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hellomod_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6
BENCH_ENV := $(SERVER_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
	CELERY_BROKER_URL=$(BENCH_REDIS_URL) HELLOMOD_VAR_DIR=$(CURDIR)/var/bench

bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	mkdir -p var/bench
	$(BENCH_ENV) $(BIN)/python -m bench --reports $(BENCH_REPORTS) --growth $(BENCH_GROWTH) $(ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
