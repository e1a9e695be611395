# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
ARTICLES ?=

.PHONY: run test install bench bench-analysis clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
ifneq ($(strip $(ARTICLES)),)
	$(VENV)/bin/arshif ingest $(ARTICLES) || true
endif
	$(VENV)/bin/arshif serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -q

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

bench-analysis: $(VENV)/.bench-installed
	$(PY) bench/analysis.py

bench: bench-analysis

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
