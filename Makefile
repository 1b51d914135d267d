# Borderland: `make report` builds the report, `make test` runs the tests.
# Every target creates its own virtual environment from requirements.lock and
# re-creates it when the lock changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_VENV := .venv-lab
UV_PIN = $(shell sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements.lock)

.DEFAULT_GOAL := help

## help: list the targets
help:
	@awk -F': ' '/^## /{sub(/^## /,""); printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/.synced: requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_PIN)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

## venv: create the build environment from requirements.lock
venv: $(BIN)/.synced

## report: build the report (report/index.html and report/report.pdf) with the default parameters
report: venv
	$(BIN)/borderland build

## scenarios: build every scenario of scenarios/ into report/<scenario>/
scenarios: venv
	$(BIN)/borderland build --all-scenarios

## test: run the test suite
test: venv
	$(BIN)/python -m pytest -n 2

## test-fast: the development loop: validation, selection, derived values, charts (no kernels, no builds)
FAST_TESTS = tests/test_validate.py tests/test_select.py tests/test_derive.py tests/test_statements.py \
	tests/test_disagreement.py tests/test_charts.py tests/test_legibility.py tests/test_locator.py \
	tests/test_as_of.py tests/test_project.py tests/test_findings.py tests/test_chapters.py \
	tests/test_citations.py tests/test_fingerprint.py tests/test_figcache.py tests/test_wording.py
test-fast: venv
	$(BIN)/python -m pytest -n 2 -q -m "not slow" $(FAST_TESTS)

## validate: check data/ against the schema
validate: venv
	$(BIN)/borderland validate

## bench: time the build against the naive pipeline and the floor
bench: venv
	$(BIN)/python benchmarks/bench.py

## lint: ruff on the package, tests and benchmarks
lint: venv
	$(BIN)/ruff check src tests benchmarks

$(LAB_VENV)/.synced: requirements-lab.lock pyproject.toml
	rm -rf $(LAB_VENV)
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_PIN)
	$(LAB_VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(LAB_VENV)/bin/python requirements-lab.lock
	$(LAB_VENV)/bin/uv pip install --quiet --python $(LAB_VENV)/bin/python --no-deps -e .
	touch $@

## lab: open the notebooks in JupyterLab (.venv-lab), options in LAB_ARGS="--allow-root --no-browser --port 8899"
LAB_ARGS ?=
lab: $(LAB_VENV)/.synced
	$(LAB_VENV)/bin/jupyter lab $(LAB_ARGS) notebooks/

## test-lab: run 90-explore in JupyterLab in headless Chromium, change a control, check the chart redraws
test-lab: $(LAB_VENV)/.synced
	$(LAB_VENV)/bin/python -m pytest -q tests/lab

## lock: re-pin requirements*.lock (for Linux, macOS and Windows) and environment.yml from pyproject.toml
lock: venv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --extra dev --python-version 3.11 --universal --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --extra dev --extra lab -c requirements.lock --python-version 3.11 --universal --generate-hashes -o requirements-lab.lock
	$(BIN)/python -m borderland.envfile requirements-lab.lock > environment.yml

## clean: remove build output, caches and environments
clean:
	rm -rf $(VENV) $(LAB_VENV) .cache report/* figures/*
	git checkout -- report/README.md figures/README.md

.PHONY: help venv report scenarios test test-fast validate bench lint lab test-lab lock clean
