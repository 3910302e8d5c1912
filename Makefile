# Two commands a newcomer needs (see README):
#   make dashboard   set up, then open the dashboard on seeds/
#   make test        set up, then run every test (what CI runs)
# Everything is installed from package registries (PyPI, npm, Debian); nothing is fetched at run time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= seeds

.PHONY: setup dashboard test bench chromium assets native clean

setup: $(VENV)/.installed assets native

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,native]'
	touch $@

# Ingest's stages compiled by mypyc into the venv (geo/native.py). Pure Python runs when this
# cannot be built (no C compiler) or is older than the sources: geo checks their digests.
# The rest of geo is byte-compiled as pip does for installed packages: with
# PYTHONDONTWRITEBYTECODE set, Python would otherwise compile it from source at every start
# (15-20 ms of each run's start-up). A stale .pyc is never used: Python checks the source.
NATIVE_SOURCES := $(shell find geo -name '*.py')
native: $(VENV)/datelines-native/.built

$(VENV)/datelines-native/.built: $(VENV)/.installed $(NATIVE_SOURCES)
	@$(BIN)/python -m compileall -q geo
	@if $(BIN)/python -W ignore::RuntimeWarning -c "import geo.native as n; raise SystemExit(n.main(['build']))"; \
	then touch $@; else echo "Could not compile the pipeline (see above): Datelines runs in pure Python, slower."; fi

# Leaflet, its plugins and the Natural Earth basemap come from the npm registry (package-lock.json)
# and are copied next to the app, where Streamlit serves them at /app/static/.
assets: dashboard/static/vendor/.installed

dashboard/static/vendor/.installed: dashboard/package.json dashboard/package-lock.json $(VENV)/.installed
	cd dashboard && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(BIN)/python -m dashboard.assets install
	touch $@

# The browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

dashboard: setup
	$(BIN)/streamlit run dashboard/app.py -- --data $(DATA)

test: setup chromium
	$(BIN)/python -m pytest

bench: setup chromium
	$(BIN)/python benchmarks/ingest_speed.py
	$(BIN)/python benchmarks/slider_latency.py

clean:
	rm -rf $(VENV) dashboard/node_modules dashboard/static/vendor dashboard/static/data
