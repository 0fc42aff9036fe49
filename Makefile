# The two commands of README.md: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The development server and the tests run with DEBUG on (and its development SECRET_KEY); the
# settings' default is off, for every other way the code is started.
export DEBUG ?= True
# Links in e-mails (and a plaque rendered outside a request) point at the server `make run` starts.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format install lock

# uv installs exactly what uv.lock pins, hashes checked (`--locked` fails if pyproject.toml and the lock
# disagree: run `make lock` after changing a dependency). uv itself comes from PyPI, pinned here.
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv sync -q --locked --extra dev --inexact --python $(BIN)/python
	$(BIN)/python manage.py prepare_fonts
	touch $(STAMP)

install: $(STAMP)

# After changing pyproject.toml's dependencies: resolve again and write uv.lock (commit both).
lock:
	test -x $(BIN)/uv || ($(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install -q "uv==$(UV_VERSION)")
	$(BIN)/uv lock

# The demo's notification e-mails go to files in var/mail, not over the console (set EMAIL_BACKEND to send).
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: export EMAIL_FILE_PATH ?= $(CURDIR)/var/mail
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	PATH="$(CURDIR)/$(BIN):$$PATH" sh scripts/serve.sh $(HOST) $(PORT)

# The suite runs on every core (pytest-xdist), a test module per worker, each worker on its own test
# database; `make test WORKERS=0` runs it in one process.
WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
