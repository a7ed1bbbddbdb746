# Two commands on a fresh machine (Python 3.11, pip, make):
#   make demo   set up, then run the whole loop on the embedded defaults
#   make test   set up, then run the whole test suite (what .ci/run calls)

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup test lint demo bench clean

setup: $(VENV)/.seam-installed

$(VENV)/.seam-installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=python3" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

lint: setup
	$(BIN)/ruff check src tests providers consumers bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2 -p no:cacheprovider

demo: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

bench: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash bench/run_all.sh

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
