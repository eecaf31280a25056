# Casebridge: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/casebridge
# Each database's run spreads its tests over this many processes (pytest-xdist).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS)
DEMO_SIZE ?= borough
HOST ?= 127.0.0.1
PORT ?= 8000
# What make runs uses this checkout's code: a PYTHONPATH inherited from the shell (naming another
# checkout, say) put that one first for the venv's commands, so collectstatic wrote its assets
# there while the tests' server (`python -m casebridge`, this directory first) found none here.
unexport PYTHONPATH

# Python keeps the bytecode it compiles a module to, so the next process that imports the module
# reads it instead of compiling again. With PYTHONDONTWRITEBYTECODE set (some shells and
# containers set it, to keep __pycache__ out of the tree) nothing is kept: each of a test run's
# processes (its workers, and every script, server and command the tests start) compiled Django,
# Ibis, the project and the tests anew, 5 to 15 s of CPU each. What make runs keeps its bytecode
# under var/pycache instead: still out of the tree, and `make clean` removes it. (Only the
# project's own commands: the system's Python, run by apt in `browser` and `pango`, keeps its.)
RUNS_THE_PROJECT := test-sqlite test-postgres lint demo-database demo-check assets
$(RUNS_THE_PROJECT): export PYTHONPYCACHEPREFIX := $(CURDIR)/var/pycache
$(RUNS_THE_PROJECT): export PYTHONDONTWRITEBYTECODE :=

# The casebridge command runs with the production settings unless DJANGO_SETTINGS_MODULE names
# others: the demo and the checks run with the local (demo) ones, unless the environment says.
demo demo-check demo-database assets lint: export DJANGO_SETTINGS_MODULE ?= casebridge.config.settings.local

.PHONY: demo demo-check demo-database test setup assets browser pango oidc-provider lint typecheck security test-sqlite test-postgres bench lock clean

# The demo installs what the application runs on (requirements/runtime.lock); the tests add their
# tools and Spark on top (dev.lock, spark.lock: the same versions, constrained by runtime.lock).
# uv installs them, hashes checked, in seconds where pip took a minute (pip also compiled every
# module to bytecode; Python compiles the ones it imports when it first does). uv itself comes
# pinned and hashed from bootstrap.lock, through the pip of the Python that makes the venv, into
# a venv made without pip (ensurepip alone took 6 s of CPU): use `.venv/bin/uv pip ...` in it.
UV := $(BIN)/uv
UV_INSTALL := $(UV) pip install --quiet --python $(BIN)/python

$(UV): requirements/bootstrap.lock
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet --no-deps --require-hashes \
		-r requirements/bootstrap.lock
	touch $@

$(BIN)/casebridge: $(UV) requirements/runtime.lock pyproject.toml
	$(UV_INSTALL) --require-hashes -r requirements/runtime.lock
	$(UV_INSTALL) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-tools: $(BIN)/casebridge requirements/dev.lock requirements/spark.lock
	$(UV_INSTALL) --require-hashes -r requirements/dev.lock
	$(UV_INSTALL) --require-hashes -r requirements/spark.lock
	touch $@

node_modules/govuk-frontend/package.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The single sign-on tests' OpenID Connect provider (tests/oidc_provider: panva's oidc-provider).
OIDC_PROVIDER := tests/oidc_provider/node_modules/oidc-provider/package.json
$(OIDC_PROVIDER): tests/oidc_provider/package.json tests/oidc_provider/package-lock.json
	npm ci --prefix tests/oidc_provider --no-audit --no-fund --loglevel=error
	touch $@

oidc-provider: $(OIDC_PROVIDER)

setup: $(BIN)/casebridge $(VENV)/.test-tools

assets: $(BIN)/casebridge node_modules/govuk-frontend/package.json
	$(BIN)/casebridge collectstatic --noinput --verbosity 0 --skip-checks

# What the demo needs is made side by side where nothing orders it (2 cores): the system's
# libraries for PDFs and npm beside uv; then the database's steps (one long job, started first)
# beside collectstatic and Django's system checks; then the server starts.
# The background worker (imports, training, the figures' refresh, the schedules) starts beside
# the server and stops with it (Ctrl+C reaches both; the trap stops it however the server ends).
# A task it was in the middle of is started again when a worker next runs (docs/decisions/0014).
demo:
	@$(MAKE) --no-print-directory -j2 pango demo-database assets demo-check
	@CASEBRIDGE_SITE_URL=http://$(HOST):$(PORT)/ $(BIN)/casebridge worker --skip-checks & \
		worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(BIN)/casebridge runserver $(HOST):$(PORT) --noreload --skip-checks

# Django's system checks import every page's module (3 s, and Python compiles them to bytecode
# the first time): they run once, beside the database's steps, and every command skips them.
demo-check: $(BIN)/casebridge
	$(BIN)/casebridge check

demo-database: $(BIN)/casebridge
	$(BIN)/casebridge migrate --verbosity 0 --skip-checks
	$(BIN)/casebridge sync-definitions --skip-checks
	mkdir -p var && test -e var/audit-anchor-key.pem || $(BIN)/casebridge audit-anchor --new-key var/audit-anchor-key.pem --skip-checks
	$(BIN)/casebridge demo-data --size $(DEMO_SIZE) --if-empty --url http://$(HOST):$(PORT)/ --skip-checks
	$(BIN)/casebridge snapshot --skip-checks
	$(BIN)/casebridge imports-recover --skip-checks

# The end-to-end walk-through drives Debian's Chromium (Playwright's own browser download is not
# reachable from these machines); install it when it is missing.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# WeasyPrint prints the board report's PDF with Pango and HarfBuzz, in Liberation Sans where Arial
# is missing (the same widths); install them when they are missing.
pango:
	@(ldconfig -p | grep -q libpango-1.0 && ldconfig -p | grep -q libharfbuzz-subset \
		&& test -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf) \
		|| (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
			libharfbuzz-subset0 fonts-liberation)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/casebridge makemigrations --check --dry-run --verbosity 0

typecheck: setup
	$(BIN)/mypy

# bandit reads the application's code (findings fixed, or marked `# nosec` with the reason);
# pip-audit asks a vulnerability service about every locked package, where one answers
# (scripts/audit-dependencies says which, and says so loudly when none does).
security: setup
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive casebridge
	scripts/audit-dependencies $(BIN)/pip-audit requirements/runtime.lock requirements/production.lock \
		requirements/dev.lock requirements/spark.lock

test-sqlite: setup
	$(PYTEST)

# When no PostgreSQL answers at POSTGRES_URL, scripts/test-postgres starts a throwaway one under
# var/postgres (installing Debian's package if it is missing) and stops it after the run.
test-postgres: setup
	@url=$$(scripts/test-postgres start $(POSTGRES_URL)) && \
		DATABASE_URL=$$url $(PYTEST); status=$$?; scripts/test-postgres stop; exit $$status

# The checks and the two databases' runs share nothing, so they run side by side: the checks'
# half a minute of CPU fills what the runs leave idle (a worker waiting for the other's last
# module) instead of holding both runs back. Each target's output is printed whole when it ends;
# any one failing fails `make test` (after the others finish).
test: assets browser pango oidc-provider
	$(MAKE) --no-print-directory -j4 --output-sync=target lint typecheck security test-sqlite test-postgres

bench: setup
	$(BIN)/python bench/web_latency.py

# Pin every package again, with hashes, after changing pyproject.toml.
# runtime.lock first: the others are constrained by it, so all agree on the packages they share.
LOCK := $(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet
lock: $(UV)
	$(LOCK) --extra binary --group build -o requirements/runtime.lock
	$(LOCK) --extra c --group build -c requirements/runtime.lock -o requirements/production.lock
	$(LOCK) --extra dev -c requirements/runtime.lock -o requirements/dev.lock
	$(LOCK) --extra spark -c requirements/runtime.lock -o requirements/spark.lock
	$(UV) pip compile --group pyproject.toml:bootstrap --python-version 3.11 --generate-hashes \
		--quiet -o requirements/bootstrap.lock

clean:
	rm -rf $(VENV) node_modules var
