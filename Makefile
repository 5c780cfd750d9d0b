# The two commands of the README, and the set-up they need.
#   make synth   the main job: synthesize the example app with the real CDK CLI
#   make test    the whole test suite (what .ci/run calls)
# Both install what they need on a fresh machine (a venv from pyproject.toml,
# the pinned CDK CLI from package-lock.json) and skip that work when it is done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
# checkov pins an old boto3: it gets a virtual env of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
STAMP_CHECKOV := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)

# Offline, quiet and deterministic: no Node end-of-life box, no telemetry, CLI
# caches inside the checkout.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_HOME := $(CURDIR)/.cdk-home
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup synth deploy-local test lint clean bench

setup: $(STAMP_PY) $(STAMP_NODE) $(STAMP_CHECKOV)

# The library asks for ranges (pyproject.toml); the project tests with the exact
# versions of constraints.txt.
$(STAMP_PY): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing Python packages into $(VENV) (about a minute the first time)"
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
	  -e ".[dev]" -c constraints.txt > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@touch $@

$(STAMP_CHECKOV):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@echo "setup: installing checkov $(CHECKOV_VERSION) into $(CHECKOV_VENV)"
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  "checkov==$(CHECKOV_VERSION)" > $(CHECKOV_VENV)/pip.log 2>&1 || { cat $(CHECKOV_VENV)/pip.log; exit 1; }
	@touch $@

$(STAMP_NODE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "setup: npm is needed (Node 20+)"; exit 1; }
	@echo "setup: installing the pinned CDK CLI (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

synth: setup
	@rm -rf cdk.out
	@cdk synth --quiet
	@python -m tools.synth_summary cdk.out

test: setup
	@python -m pytest

lint: setup
	@ruff check . && ruff format --check . && mypy

clean:
	rm -rf cdk.out .cdk-home .pytest_cache .mypy_cache .ruff_cache

deploy-local: setup
	@python -m tools.deploy_local $(ARGS)

# The figures of docs/evidence.md in one table per figure (a few minutes:
# synth runs, the local deploy cycle and one test-suite run).
#   make bench ARGS=--skip-tests   without the test-suite run
#   make bench ARGS=--quick        synth figures only
bench: setup
	@python -m benchmarks $(ARGS)
