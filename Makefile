# Two commands set Perfnote up on a fresh machine: `make run` and `make test`.

# Django 6 needs Python 3.12+; this machine's default python3 is 3.11, so look for
# a newer interpreter by name, then in pyenv's folder (its shims fail unless the
# version is selected).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run serve test install lint format bench bench-concurrency

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --url http://$(HOST)/
	@# seed_demo made each demo clinic's seal (var/seal/<seal name>.p12); this shows them.
	$(BIN)/python manage.py create_seal_certificate
	@# The task worker (exports of many notes) runs beside the server and stops with it.
	$(BIN)/python manage.py db_worker & worker=$$!; \
		trap 'kill $$worker' EXIT; \
		$(BIN)/python manage.py runserver $(HOST)

# Production settings against DATABASE_URL behind gunicorn (gunicorn.conf.py);
# the environment must name DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
# DATABASE_URL and the clinics' seals (.env.example). Run `manage.py db_worker` beside
# it, as a service of its own, for background tasks (README, Production).
serve: export DJANGO_SETTINGS_MODULE = config.settings.production
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "Perfnote needs Python 3.12 or newer (Django 6 refuses older versions)."; \
		echo "Install python3.13 or python3.12 (e.g. 'apt-get install python3.13' or 'pyenv install 3.13'),"; \
		echo "or point the Makefile at one: make run PYTHON=/path/to/python3.13"; \
		exit 1; \
	fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/decide_bench.py

# 50 clients editing, signing and reading the same patients for 60 s through
# gunicorn (production settings) on a fresh PostgreSQL database; fails on any
# server error, silent overwrite or lost row. BENCH_ARGS="--seconds 10" shortens it.
bench-concurrency: install
	$(BIN)/python bench/concurrency.py $(BENCH_ARGS)
