# Everything a developer or CI needs. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run demo test test-redis test-pg e2e render lint format messages bench bench-smoke clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

# Development server with the Zhejiang demo (DEBUG on: this is a developer's machine), and a
# worker beside it for background jobs (exports, computations, publication); Ctrl-C stops both.
run: demo
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with one of the demo users above."
	DEBUG=1 $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite except the browser journeys (those need chromium: `make e2e`).
test: install
	$(PY) -m pytest -m "not e2e and not render" $(PYTEST_ARGS)

# The job tests again on the Redis queue (a scratch Redis database; JOBS_REDIS_URL to choose).
test-redis: install
	JOBS_REDIS_URL=$${JOBS_REDIS_URL:-redis://127.0.0.1:6379/15} $(PY) -m pytest -m "not e2e and not render" tests/assessment/jobs $(PYTEST_ARGS)

test-pg: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest -m "not e2e and not render" $(PYTEST_ARGS)

# Browser journeys: Playwright driving Debian's /usr/bin/chromium. Screenshots: test-output/e2e/.
e2e: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Reports printed as a reader would: LibreOffice headless to PDF, poppler to PNG pages
# (test-output/render/). Needs libreoffice-calc-nogui and poppler-utils (.ci/run installs them).
render: install
	$(PY) -m pytest -m render tests/render $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Chinese catalogue after changing UI text; fill every new msgstr before committing.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore ".venv/*" --ignore "static/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore ".venv"

# National-scale benchmarks (figures go to docs/BENCHMARKS.md).
bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The same scripts at a small size: CI checks that they run, not how fast.
bench-smoke: install
	@for script in bench/bench_*.py; do echo "== $$script --smoke"; $(PY) $$script --smoke || exit 1; done

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache .ruff_cache
