# Jiedao: `make run` serves the demo, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# The server, the worker and the links they write (JIEDAO_PUBLIC_URL's development default) share it.
export PORT

.PHONY: run test test-pg lint bench setup messages clean-demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0 || true
	$(BIN)/python manage.py migrate --noinput -v1
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Jiedao: http://127.0.0.1:$(PORT)  (sign-ins: jiedao/demo/README.md)"
	# The worker (escalations, notifications) runs beside the server and stops with it.
	$(BIN)/python manage.py run_huey --workers 2 --worker-type thread & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0 || true
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 -q -rs

# The same suite against the local PostgreSQL (CI runs this after `make test`).
test-pg: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jiedao} $(BIN)/pytest -n 2 -q -rs

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.inspections
	$(BIN)/python -m bench.assets
	$(BIN)/python -m bench.duties
	$(BIN)/python -m bench.rivers
	$(BIN)/python -m bench.waste
	$(BIN)/python -m bench.air

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en -l zh_Hans --ignore=.venv --ignore=var --ignore=bench

lint: $(STAMP)
	$(BIN)/ruff check .
