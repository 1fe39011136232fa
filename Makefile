# The two commands of the README: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app

.PHONY: run test lint install translations migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pins change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations

# Compiled catalogs are build output (not committed): rebuilt from the .po files.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy --statistics -d translations -D admin
	$(BIN)/pybabel compile --use-fuzzy --statistics -d translations -D wtforms

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Parallel on every core, an idle worker taking tests from a busy one; the slowest tests are
# listed so a slow one is noticed. Compiled modules are cached between runs even where the
# environment turns that off (PYTHONDONTWRITEBYTECODE): each worker and subprocess would
# otherwise compile the app and the migrations again.
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n auto --dist worksteal --durations=5

lint: install
	$(BIN)/ruff check .

# The comparison (bench/compare) also needs Django admin, and wrk for its throughput mode
# (apt-get install wrk; without it that part is skipped with a message).
bench: install
	$(BIN)/pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench.list_pages
	$(BIN)/python -m bench.schedule
	$(BIN)/python -m bench.exports
	$(BIN)/python -m bench.concurrency
	$(BIN)/python -m bench.roster_import
	$(BIN)/python -m bench.duplicates
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.history
	$(BIN)/python -m bench.compare
	$(BIN)/python -m bench.clicks

clean:
	rm -rf $(VENV) .pytest_cache
