# The two commands of the README: `make demo` and `make test`. Everything else sets them up.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
# The interpreter of .venv: the distribution's CPython 3.11 where it is there with its headers
# (Debian builds /usr/bin/python3.11 with PGO and LTO, as the python:3.11-slim image of deploy/
# is built; the extraction core runs ~1.3x faster on it than on a plain `--enable-shared` build
# such as pyenv's: bench/README.md), else any 3.11 uv finds. `make PY311=3.11 ...` asks for that.
SYSTEM_PY311 := /usr/bin/python3.11
PY311 ?= $(if $(and $(wildcard $(SYSTEM_PY311)),$(wildcard /usr/include/python3.11/Python.h)),$(SYSTEM_PY311),3.11)
export UV_PYTHON := $(PY311)
SYNCED := .venv/.synced-$(notdir $(PY311))

.PHONY: setup test demo lint bench schemas up clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(SYNCED): $(UV) uv.lock pyproject.toml schemas/pyproject.toml services/*/pyproject.toml
	$(UV) sync --frozen --all-packages --inexact
	touch $@

setup: $(SYNCED)

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
