# The two commands: `make run` and `make test`. Both set everything up first (idempotent).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
ATHAR := $(VENV)/bin/athar

.PHONY: run test setup setup-base setup-search setup-s3 lint typecheck bench clean

setup: setup-base setup-search setup-s3

setup-base:
	@bash scripts/setup.sh base

setup-search:
	@bash scripts/setup.sh search

setup-s3:
	@bash scripts/setup.sh s3

## make run: set up, then run the main job on the embedded default
run: setup
	$(ATHAR) up

## make test: set up, lint, type-check, then all tests against real engines
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -ra

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy

## make bench: every benchmark; each prints ratios against a baseline measured in the same run
bench: setup
	$(PY) bench/ocr.py --rss
	$(PY) bench/nlp.py
	$(PY) bench/search.py
	$(PY) bench/pipeline.py

clean:
	rm -rf $(VENV) .cache index/node/target
