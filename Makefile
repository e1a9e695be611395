# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
ARTICLES ?=

.PHONY: run test install compiler browser bench bench-analysis bench-cli bench-quality bench-ingest bench-web bench-scale clean

# Debian packages the project needs, installed as root or through sudo (without a password).
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then as=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as="sudo -n"; \
	  else echo "error: needs root to install Debian packages: sudo make $@" >&2; exit 1; fi; \
	  $$as apt-get update -qq && $$as env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

# Installing builds the compiled loops of a search (index/_accel.pyx; without
# them the same code runs in Python, slower), so it needs a C compiler and Python's headers.
$(VENV)/.installed: pyproject.toml index/_accel.pyx | compiler
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

compiler:
	@if command -v cc >/dev/null 2>&1 && $(PYTHON) -c "import os, sys, sysconfig; \
	  sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"; then :; \
	else \
	  echo "installing a C compiler and Python's headers for the compiled loops of a search"; \
	  ( $(APT_INSTALL) gcc libc6-dev python3-dev >/dev/null ) || \
	    echo "warning: no C compiler: searches run the Python loops (slower; make test needs them compiled)" >&2; \
	fi

# The browser tests drive Debian's Chromium (never a downloaded build): install it when missing.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	else \
	  echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	  $(APT_INSTALL) chromium chromium-driver fonts-dejavu-core >/dev/null; \
	fi

test: install browser
	$(PY) -m pytest -q

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

bench-analysis: $(VENV)/.bench-installed
	$(PY) bench/analysis.py

bench-cli: $(VENV)/.installed
	$(PY) bench/cli.py

bench-quality: $(VENV)/.installed
	$(PY) bench/quality.py

bench: bench-analysis bench-cli bench-quality bench-ingest bench-web bench-scale

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache index/_accel.c index/_accel.*.so

bench-ingest: $(VENV)/.bench-installed
	$(PY) bench/ingest.py

bench-web: $(VENV)/.installed
	$(PY) bench/web.py

# Both engines and Lucene at several archive sizes (slow: about an hour at 72,716 articles).
SCALE_SIZES ?= 10000 72716
bench-scale: $(VENV)/.installed
	$(PY) bench/scale.py --sizes $(SCALE_SIZES) --quality
