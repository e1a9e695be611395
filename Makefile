# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
ARTICLES ?=

.PHONY: run test install browser bench bench-analysis bench-cli bench-quality bench-ingest bench-web bench-scale clean

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

# The browser tests drive Debian's Chromium (never a downloaded build): install it when missing.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver fonts-dejavu-core >/dev/null; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver fonts-dejavu-core >/dev/null; \
	else \
	  echo "error: the browser tests need Chromium: sudo apt-get install chromium chromium-driver" >&2; exit 1; \
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
	rm -rf $(VENV) build *.egg-info .pytest_cache

bench-ingest: $(VENV)/.bench-installed
	$(PY) bench/ingest.py

bench-web: $(VENV)/.installed
	$(PY) bench/web.py

# Both engines and Lucene at several archive sizes (slow: about an hour at 72,716 articles).
SCALE_SIZES ?= 10000 72716
bench-scale: $(VENV)/.installed
	$(PY) bench/scale.py --sizes $(SCALE_SIZES) --quality
