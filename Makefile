# pyhelmfile developer tasks. Everything a fresh machine needs is installed from here.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS_BIN := $(CURDIR)/.tools/bin
PYTEST_ARGS ?= -n auto
BENCH_ARGS ?=

.PHONY: install tools test test-unit demo bench lint typecheck cluster-up cluster-down clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(BIN)/.installed

tools: install
	$(BIN)/python scripts/tools.py

test: install tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

demo: install tools
	$(BIN)/python scripts/demo.py

# helmfile 0.166.0 vs pyhelmfile on generated projects; writes bench/RESULTS.md (see bench/README.md).
#   make bench BENCH_ARGS="--sizes 10,50 --runs 3 --cases list,template"
bench: install tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check pyhelmfile tests scripts bench
	$(BIN)/ruff format --check pyhelmfile tests scripts bench

typecheck: install
	$(BIN)/mypy

cluster-up: install tools
	$(BIN)/python scripts/testcluster up

cluster-down: install
	$(BIN)/python scripts/testcluster down

clean:
	rm -rf $(VENV) .tools build dist *.egg-info
