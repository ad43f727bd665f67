# otklik — `make help` lists the targets.
SHELL := /bin/bash
# uv on PATH, else a user install, else the module (a fresh pip install may add no shim).
UV ?= $(shell command -v uv 2>/dev/null || { [ -x "$(HOME)/.local/bin/uv" ] && echo "$(HOME)/.local/bin/uv"; } || echo python3 -m uv)
RUN := $(UV) run --frozen

.PHONY: help setup demo serve test test-fast lint fmt bench guard-eval docs clean eval train

help: #: list the targets
	@grep -E '^[a-z-]+:.*#:' Makefile | sed -E 's/:.*#:/\t/'

setup: #: install uv (when missing) and the locked dependencies
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv || python3 -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen

demo: setup #: a fresh demo desk with multilingual data, served on http://127.0.0.1:8000
	$(RUN) otklik demo

serve: setup #: serve the desk on the embedded SQLite database in ./var
	$(RUN) otklik serve

lint: setup #: ruff (lint + format check), mypy, import contracts, migrations in sync
	$(RUN) ruff check src tests bench scripts
	$(RUN) ruff format --check src tests bench scripts
	$(RUN) mypy
	$(RUN) mypy --strict bench scripts
	$(RUN) lint-imports
	$(RUN) otklik db check --data-dir "$$(mktemp -d)"

test: lint #: lint, then every test (SQLite and PostgreSQL, browser included), on up to 4 cores
	$(RUN) pytest -q --numprocesses=auto --maxprocesses=4

test-fast: setup #: the unit tests only
	$(RUN) pytest -q tests/unit

fmt: setup #: format and fix what ruff can
	$(RUN) ruff format src tests bench scripts
	$(RUN) ruff check --fix src tests bench scripts

bench: setup #: benchmarks, printing figures (ingest, import, inbox at 100k and 1M)
	$(RUN) python -m bench

guard-eval: setup #: precision and recall of the reply guards on data/guards; scripted share per brand on real replies
	$(RUN) python -m scripts.guard_eval

train: setup #: retrain the triage models (src/otklik/triage/models) from data/triage and the permissive public sets
	$(RUN) python -m scripts.train_triage

eval: setup #: triage quality: the labelled set's test split, then the public test sets in ../shared/datasets when present
	$(RUN) otklik eval --split test --detect-language data/triage/*.jsonl
	$(RUN) python -m scripts.eval_public

docs: setup #: regenerate the CLI reference in docs/reference/cli.md
	$(RUN) python -m scripts.cli_reference

clean: #: remove the local data and caches
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
