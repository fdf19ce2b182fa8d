# Samverkan: the commands README.md shows. `make run` and `make test` do all set-up themselves.

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n auto --durations=25

BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run setup test lint translations extract-messages clean bench

## run: install, migrate, load reference data, make sure an admin exists, serve on HOST:PORT
## with a background worker (flask tasks worker) beside the web server, stopped with it
run: setup
	@echo "Samverkan: http://$(HOST):$(PORT)/"
	$(FLASK) tasks worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## setup: everything `run` does before serving (also used by the tests of first start)
setup: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) aggregates rebuild --if-missing
	$(FLASK) seed
	$(FLASK) users ensure-admin

## test: the whole suite; on PostgreSQL when TEST_DATABASE_URL is set
test: $(VENV)/.dev translations node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: static checks (ruff; bandit over app/ failing on any medium or high finding)
lint: $(VENV)/.dev
	$(BIN)/ruff check app tests wsgi.py migrations
	$(BIN)/ruff format --check app tests wsgi.py migrations/env.py
	$(BIN)/bandit -q -r app --severity-level medium

## bench: a working team and every page at demo scales 1, 10 and 100 (bench/__main__.py); BENCH_ARGS=--quick to iterate
bench: $(VENV)/.dev translations
	$(BIN)/python -m bench $(BENCH_ARGS)

translations: $(COMPILED)

%.mo: %.po $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy --statistics -i $< -o $@

## extract-messages: refresh the catalogs after changing user-visible strings
# (--ignore-dirs: Babel skips folders starting with _ by default, which hid templates/_macros)
extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract --no-wrap --sort-by-file -F babel.cfg -k _l --ignore-dirs '.* __pycache__' -o app/translations/messages.pot app
	$(BIN)/pybabel update --no-wrap -i app/translations/messages.pot -d app/translations

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -r requirements-dev.txt
	touch $@

# Test-only Node tools (ICAL.js, axe-core), pinned in package-lock.json; never a CDN.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the test suite's calendar and accessibility checks" >&2; exit 1; }
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache $(COMPILED) node_modules
