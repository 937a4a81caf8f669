# Highlands — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SEED   := src/highlands/ingest/data/lublin-economic-highlands.txt
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-dev lint serve

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Set everything up, import the source document (and the marketplace's demo profiles), serve on http://127.0.0.1:8000
run: install
	$(BIN)/highlands migrate --noinput -v0
	$(BIN)/highlands import $(SEED)
	$(BIN)/highlands marketplace-demo
	$(BIN)/highlands events-demo
	$(BIN)/highlands funding-demo
	$(BIN)/highlands collectstatic --noinput -v0
	$(MAKE) --no-print-directory serve

serve:
	$(BIN)/gunicorn -c python:highlands.config.gunicorn highlands.config.wsgi \
		--bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - --forwarded-allow-ips=127.0.0.1

## Set up and run the whole test suite (DATABASE_URL picks the database; SQLite by default)
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
