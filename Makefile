# tiemnang — two commands do all set-up on a fresh machine: `make demo` and `make test`.
PY      ?= $(shell command -v python3.11 || command -v python3)
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEMO    := .local/demo
PERSONS ?= 6800
COMMUNES ?= 68
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test setup airflow lint lock clean bench browser screenshots

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

## setup: virtualenv, local PostgreSQL under .local/pg, Airflow home and metadata DB, warehouse migrations
setup: $(STAMP)
	$(BIN)/tiemnang setup

## demo: generate a world, run the whole chain for two consecutive Fridays, print a per-province summary
demo: setup
	test -f $(DEMO)/truth/collection/ket_qua.csv || $(BIN)/tiemnang generate --out $(DEMO) --persons $(PERSONS) --communes $(COMMUNES) --seed 7
	$(BIN)/tiemnang run --as-of 2026-11-13 --landing $(DEMO)/landing
	$(BIN)/tiemnang run --as-of 2026-11-20 --landing $(DEMO)/landing
	$(BIN)/tiemnang summary --weeks 2

## browser: Debian's Chromium for the UI plugin's browser test (installed with apt when missing)
browser:
	command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

## test: the same set-up, then lint and the full test suite
test: setup browser
	$(BIN)/ruff check .
	$(BIN)/pytest

## screenshots: refresh docs/screenshots from the monitor's browser test (a plain `make test` leaves them alone)
screenshots: setup browser
	TIEMNANG_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest tests/integration/test_plugin_monitor.py -k officer

## airflow: the Airflow UI on 127.0.0.1 against the local set-up (login printed)
airflow: setup
	$(BIN)/tiemnang airflow standalone

lint: $(STAMP)
	$(BIN)/ruff check .

## bench: the whole chain on a generated world of PERSONS register persons
bench: setup
	$(BIN)/tiemnang bench --persons $(PERSONS)

## lock: re-resolve pyproject.toml: its dependencies into requirements.txt, its dev extra on top into requirements-dev.txt
lock:
	rm -rf .lock-venv && $(PY) -m venv .lock-venv && .lock-venv/bin/pip install -q .
	(echo "# Runtime pins: pyproject.toml's [project] dependencies as pip resolved them ('make lock'; Python 3.11;"; \
	 echo "# Airflow's constraints file is not reachable here). The image installs these (docker/Dockerfile)."; \
	 .lock-venv/bin/pip freeze --exclude tiemnang | sort -f) > requirements.txt
	.lock-venv/bin/pip install -q -c requirements.txt '.[dev]'
	(echo "# Test and developer tools: pyproject.toml's dev extra, pinned by 'make lock' on top of requirements.txt"; \
	 echo "# (make test installs both files)."; \
	 .lock-venv/bin/pip freeze --exclude tiemnang | sort -f | grep -vxF -f requirements.txt) > requirements-dev.txt
	rm -rf .lock-venv

clean:
	-$(BIN)/python -c "from tiemnang import localpg; localpg.stop()"
	rm -rf .local $(VENV)
