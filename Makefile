# The two commands of the README: `make demo` and `make test`. Everything else sets them up.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := 3.11

.PHONY: setup test demo lint bench schemas up clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml schemas/pyproject.toml services/*/pyproject.toml
	$(UV) sync --frozen --all-packages --inexact
	touch $@

setup: .venv/.synced

test: setup
	$(UV) run --frozen pytest

demo: setup
	$(UV) run --frozen claimwatch demo

up: setup
	$(UV) run --frozen claimwatch up

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy src schemas/src services/ingest/src services/extract/src services/alert/src

schemas: setup
	$(UV) run --frozen python -m claimwatch_schemas.jsonschema

bench: setup
	$(UV) sync --frozen --all-packages --group bench
	$(UV) run --frozen --no-sync python -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
