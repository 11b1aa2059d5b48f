# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := var/demo

.PHONY: install run lint test test-fast bench clean system-packages

install: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Serves the files named by MUSIC_API_MAIN_DATABASE, or else a demo catalogue
# built once under var/demo/ (`music-metadata-api serve` checks the address
# first, then runs gunicorn with the packaged settings).
run: install
	exec $(BIN)/music-metadata-api serve --demo $(DEMO_DIR)

# Debian packages the integration tests run for real (nginx, Redis).
system-packages:
	@./.ci/system-packages

# The linter first (ruff: pyflakes, pycodestyle, import order; pyproject.toml).
lint: install
	$(BIN)/ruff check .

test: lint system-packages
	$(BIN)/pytest

# While working: everything but tests/integration/ (no gunicorn, nginx or
# Redis started), so no system packages needed either.
test-fast: lint
	$(BIN)/pytest -m "not integration"

# Benchmarks (bench/, results in docs/PERFORMANCE.md): wrk from Debian, the
# peer (Datasette) from the bench extra. Catalogues are cached in BENCH_DIR.
bench: install $(VENV)/.bench-installed
	@command -v wrk >/dev/null || ./.ci/bench-packages
	$(BIN)/python -m bench $(BENCH_ARGS)

$(VENV)/.bench-installed: setup.cfg
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache
