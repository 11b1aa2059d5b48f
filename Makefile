# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := var/demo

.PHONY: install run lint test test-fast test-container image bench clean system-packages

install: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,tracing]'
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

# Only the container tests (image, compose topology, Kubernetes manifests).
test-container: install system-packages
	$(BIN)/pytest tests/integration/test_container_*.py

# The container image (Containerfile; docs/DEPLOYMENT.md, "Containers"). The
# build has no network: the wheels are built here first, by WHEEL_PYTHON,
# which must be the Python version of BASE (environment markers choose
# dependencies). `make image BASE=... IMAGE=...` builds on any base.
CONTAINER ?= podman
BASE ?= docker.io/library/python:3.11-slim-bookworm
IMAGE ?= localhost/music-metadata-api:latest
WHEEL_PYTHON ?= $(BIN)/python
IMAGE_DIR := var/image

image: install
	rm -rf $(IMAGE_DIR) && mkdir -p $(IMAGE_DIR)
	$(BIN)/pip freeze --exclude-editable > $(IMAGE_DIR)/constraints.txt
	$(WHEEL_PYTHON) -m venv $(IMAGE_DIR)/venv
	$(IMAGE_DIR)/venv/bin/pip wheel --quiet --wheel-dir $(IMAGE_DIR)/wheels \
		--constraint $(IMAGE_DIR)/constraints.txt '.[tracing]'
	$(CONTAINER) build $(if $(filter podman,$(notdir $(CONTAINER))),--format docker) \
		--build-arg BASE=$(BASE) --tag $(IMAGE) --file Containerfile .
	@$(CONTAINER) image inspect --format '{{.Size}}' $(IMAGE) | \
		awk '{ printf "built $(IMAGE): %.0f MB\n", $$1 / 1e6 }'

# Benchmarks (bench/, results in docs/PERFORMANCE.md): wrk and valgrind from Debian, the
# peer (Datasette) from the bench extra. Catalogues are cached in BENCH_DIR.
bench: install $(VENV)/.bench-installed
	@command -v wrk >/dev/null && command -v valgrind >/dev/null || ./.ci/bench-packages
	$(BIN)/python -m bench $(BENCH_ARGS)

$(VENV)/.bench-installed: setup.cfg
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache
