# acuback: the two commands a clinic or developer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench clean venv test-postgres fhirjs

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "acuback needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/acuback demo
	$(BIN)/acuback serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check acuback tests bench
	$(BIN)/mypy
	$(BIN)/acuback manage makemigrations --check --dry-run

# The whole suite on SQLite, then the database-backed part again on PostgreSQL
# when ACUBACK_TEST_POSTGRES_URL names a server (CI always does). Tests that only mean
# something on PostgreSQL (marked `postgres`) run in the second pass, so CI skips nothing.
# FHIR.js (npm `fhir`), one of the validators the FHIR tests run, pinned by its lock file.
# Without npm the tests that need it skip on a laptop and fail under CI=true.
FHIRJS := tests/interop/fhirjs
$(FHIRJS)/node_modules/.installed: $(FHIRJS)/package.json $(FHIRJS)/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix $(FHIRJS) --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the FHIR.js validation tests will not run" >&2; fi

fhirjs: $(FHIRJS)/node_modules/.installed

# Two processes by default (CI has 2 cores); a test file stays in one process, so its
# module fixtures are built once. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15

test: lint fhirjs
	$(PYTEST) -m "not postgres"
	@$(MAKE) --no-print-directory test-postgres

# A database URL switches settings to production mode, which demands a secret key and turns
# on HTTPS redirects; the test client speaks plain HTTP, so the pass turns those off.
TEST_SECRET_KEY := test-only-postgresql-pass-key-never-used-in-production-0123456789
test-postgres: $(STAMP)
	@if [ -n "$$ACUBACK_TEST_POSTGRES_URL" ]; then \
	  echo "== database tests on PostgreSQL =="; \
	  ACUBACK_DATABASE_URL="$$ACUBACK_TEST_POSTGRES_URL" ACUBACK_SECRET_KEY="$(TEST_SECRET_KEY)" \
	    ACUBACK_SECURE=false $(PYTEST) -m "not pure and not browser and not nodb"; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI=true but ACUBACK_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot be skipped in CI" >&2; exit 1; \
	else \
	  echo "PostgreSQL pass skipped: set ACUBACK_TEST_POSTGRES_URL to run it (see README)"; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var build *.egg-info
