# The README's two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two workers: the suite is database-bound and the machines have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: demo test install lint serve worker bench bench-load clean messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Open http://127.0.0.1:8000/ - every demo account's password is 'demo'."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production path on this machine: DEBUG off, collectstatic, migrate, gunicorn
# (settings in gunicorn.conf.py). SQLite unless DATABASE_URL is set. Keys come from
# the environment, or are made once into .serve/local-keys.env (local use only).
serve: install
	$(BIN)/python scripts/serve.py

# A Celery worker with the beat scheduler, on DJANGO_CELERY_BROKER_URL (Redis).
worker: install
	$(BIN)/python scripts/worker.py

# 50 clients of mixed reads and writes for 60 s against gunicorn on PostgreSQL.
bench-load: install
	$(BIN)/python bench/load.py

# The benchmark (not part of `make test`): seeds BENCH_DATABASE_URL (PostgreSQL,
# emptied first) at BENCH_SCALE (1 = 100,013 initiatives) and prints each figure
# as a ratio to its bare baseline. See bench/README.md.
BENCH_SCALE ?= 1
bench: install
	$(BIN)/python bench/seed.py --scale $(BENCH_SCALE)
	$(BIN)/python bench/run.py

# Refresh the German and Italian catalogs after changing user-facing text (needs
# gettext). The compiled .mo files are committed, so running the product does not.
messages: install
	$(BIN)/python manage.py makemessages -l de -l it --no-location --ignore=.venv --ignore=tests --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

# ruff (lint and format), mypy (types) and import-linter (the structure).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) governance.sqlite3 governance.sqlite3-* staticfiles .serve
