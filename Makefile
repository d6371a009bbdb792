# Two commands on a fresh machine with Python 3.11+:
#   make run    install, migrate, load the demo into an empty database, start the dashboard
#   make test   install the test extras (and axe-core, with npm) too and run the whole suite
# and for working on it:
#   make test-unit  the unit tests only (no database, no browser; seconds)
#   make lint       ruff (lint and format check) and mypy, at pinned versions
#   make docs       regenerate docs/cli.md from the command definitions
#   make messages   gather the messages to translate into tracker/locale (docs/translation.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
OIDC_VENV := .venv-oidc
AXE := tests/browser/axe

.PHONY: install install-test axe run test test-unit lint docs messages bench bench-project bench-imports bench-grants bench-pages bench-loads bench-api bench-sessions bench-rerun-checks bench-search bench-workbook clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamps: reinstall only when the dependency lists change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-pytest: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-pytest $(OIDC_VENV)/.installed $(AXE)/node_modules/.installed
	@touch $@

# axe-core for the accessibility browser test, at the version package-lock.json pins, from
# npm's registry into a git-ignored node_modules. Without npm the test skips and says why
# (with TRACKER_REQUIRE_SERVICES=1, as in CI, it fails); .ci/run installs npm.
$(AXE)/node_modules/.installed: $(AXE)/package.json $(AXE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix $(AXE) --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: tests/browser/test_accessibility_in_browser.py will skip (apt-get install npm)"; fi

axe: $(AXE)/node_modules/.installed

# The mock OpenID provider for the single sign-on browser test, in its own venv.
$(OIDC_VENV)/.installed: tests/browser/oidc-provider-mock.txt
	$(PYTHON) -m venv $(OIDC_VENV)
	$(OIDC_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OIDC_VENV)/bin/python -m pip install --quiet -r tests/browser/oidc-provider-mock.txt
	@touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[bench]'
	@touch $@

$(VENV)/.installed-lint: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[lint]'
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/funding-tracker db upgrade
	$(BIN)/funding-tracker demo --if-empty
	$(BIN)/funding-tracker serve

# TEST_WORKERS: how many pytest-xdist workers run the suite at once (one per CPU by default; each has its own
# PostgreSQL database, tests/workers.py); TEST_WORKERS=0 runs it in one process, e.g. to use pdb.
# --dist loadscope keeps a module's tests on one worker, so its module fixtures (a Streamlit server) start once.
# --durations=30: the slowest tests listed at the end (CI has a time limit: keep `make test` under 20 minutes).
# PYTEST_ARGS: more for pytest, e.g. PYTEST_ARGS='-m "not markup"' (.ci/run's PostgreSQL pass: the tests of
# what the browser draws, the same on every database, run once, in the SQLite pass; and its SQLite pass
# leaves the tests marked postgres to the PostgreSQL pass).
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=30 $(PYTEST_ARGS)

# Unit tests need no database (tests/unit/conftest.py fails any that makes an engine).
test-unit: $(VENV)/.installed-pytest
	$(BIN)/python -m pytest tests/unit -q

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

docs: install
	$(BIN)/python -m tracker.cli_reference docs/cli.md

messages: install
	$(BIN)/python -m tracker.i18n.extract

# Benchmarks (bench/README.md): long (tens of minutes at the default sizes); files and
# results in bench/out/ (git-ignored). `make bench` runs them all, one after the other,
# and fails at the end if any failed. Options through BENCH_*_ARGS, e.g. a quick check:
#   make bench BENCH_PROJECT_ARGS="--n 20000 --runs 1" BENCH_IMPORTS_ARGS="--sizes 2000" BENCH_PAGES_ARGS="--n 2000" \
#              BENCH_LOADS_ARGS="--n 2000 --totals-n 20000 --runs 1" BENCH_GRANTS_ARGS="--n 2000" \
#              BENCH_API_ARGS="--n 2000 --rounds 5" BENCH_SESSIONS_ARGS="--n 2000 --sessions 5 --think 1"
BENCH_PROJECT_ARGS ?=
BENCH_IMPORTS_ARGS ?=
BENCH_PAGES_ARGS ?=
BENCH_LOADS_ARGS ?=
BENCH_GRANTS_ARGS ?=
BENCH_API_ARGS ?=
BENCH_SESSIONS_ARGS ?=
BENCH_RERUN_CHECKS_ARGS ?=
BENCH_SEARCH_ARGS ?=

bench: $(VENV)/.installed-bench $(VENV)/.installed-pytest
	@mkdir -p bench/out
	@failed=""; \
	$(BIN)/python bench/bench_project.py $(BENCH_PROJECT_ARGS) || failed="$$failed bench_project.py"; \
	$(BIN)/python bench/imports.py $(BENCH_IMPORTS_ARGS) || failed="$$failed imports.py"; \
	$(BIN)/python bench/pages.py $(BENCH_PAGES_ARGS) || failed="$$failed pages.py"; \
	$(BIN)/python bench/loads.py $(BENCH_LOADS_ARGS) || failed="$$failed loads.py"; \
	$(BIN)/python bench/grants.py $(BENCH_GRANTS_ARGS) || failed="$$failed grants.py"; \
	$(BIN)/python bench/api.py $(BENCH_API_ARGS) || failed="$$failed api.py"; \
	$(BIN)/python bench/sessions.py $(BENCH_SESSIONS_ARGS) || failed="$$failed sessions.py"; \
	$(BIN)/python bench/rerun_checks.py $(BENCH_RERUN_CHECKS_ARGS) || failed="$$failed rerun_checks.py"; \
	$(BIN)/python bench/search.py $(BENCH_SEARCH_ARGS) || failed="$$failed search.py"; \
	if [ -n "$$failed" ]; then echo "make bench: failed:$$failed (results in bench/out/)"; exit 1; fi

bench-project: $(VENV)/.installed-bench
	@mkdir -p bench/out
	$(BIN)/python bench/bench_project.py $(BENCH_PROJECT_ARGS)

bench-imports: $(VENV)/.installed
	$(BIN)/python bench/imports.py $(BENCH_IMPORTS_ARGS)

bench-grants: $(VENV)/.installed
	$(BIN)/python bench/grants.py $(BENCH_GRANTS_ARGS)

# Playwright comes with the test extra; the browser is Debian's Chromium (never `playwright install`).
bench-pages: $(VENV)/.installed-pytest
	$(BIN)/python bench/pages.py $(BENCH_PAGES_ARGS)

bench-loads: $(VENV)/.installed-pytest
	$(BIN)/python bench/loads.py $(BENCH_LOADS_ARGS)

# httpx (the clients) comes with the test extra.
bench-api: $(VENV)/.installed-pytest
	$(BIN)/python bench/api.py $(BENCH_API_ARGS)

# The sessions' client speaks Streamlit's websocket protocol with `websockets`, which Streamlit depends on.
bench-sessions: $(VENV)/.installed
	$(BIN)/python bench/sessions.py $(BENCH_SESSIONS_ARGS)

# What every page run asks the database before the page draws (BENCH_RERUN_CHECKS_ARGS="--postgres URL" adds PostgreSQL).
bench-rerun-checks: $(VENV)/.installed
	$(BIN)/python bench/rerun_checks.py $(BENCH_RERUN_CHECKS_ARGS)

# Search across everything: building the index and searches, on 100,000 commitments.
bench-search: $(VENV)/.installed
	$(BIN)/python bench/search.py $(BENCH_SEARCH_ARGS)

bench-workbook: $(VENV)/.installed
	$(BIN)/python bench/workbook.py $(BENCH_WORKBOOK_ARGS)

clean:
	rm -rf $(VENV) $(OIDC_VENV) $(AXE)/node_modules build *.egg-info .pytest_cache .hypothesis
