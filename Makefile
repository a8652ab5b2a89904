# Two commands for a fresh machine:
#   make run    set up .venv, install, check rules.yaml, serve the app on http://127.0.0.1:5000
#               (make run PORT=8080 serves on another port; HOST=... on another address)
#   make test   set up .venv, install with test tools, run every check and test
# For the inner loop: make lint (ruff, format check, mypy, bandit); make test-fast (make test
# without the browser tests in tests/browser; it says what it leaves out, and installs nothing).
# The tests run on every core (pytest-xdist, -n auto; PYTEST_WORKERS=1 for one process).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --durations=25

.PHONY: run test test-fast test-edited test-content verify edited-rules lint setup setup-test chromium \
	nginx translations lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Install exactly the locked versions, each checked against its hash (`make lock` writes the
# lock files from pyproject.toml), then the app itself without touching them. Again only when a
# lock file or pyproject.toml changes. pip and setuptools come first, at the versions and hashes
# in requirements-pip.lock: an unpinned `--upgrade pip` would run whatever pip is newest that
# day, unchecked, as the installer that checks every other hash.
$(VENV)/.installed: requirements.lock requirements-pip.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-pip.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: requirements-test.lock requirements-pip.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-pip.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# Write the lock files (with every file's sha256) from pyproject.toml, with pip-tools in a venv of
# its own. Pins already in a lock file are kept; `make lock UPGRADE=--upgrade` moves all to the
# newest allowed versions. Commit the three files.
LOCK_VENV := .venv-lock
COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(UPGRADE)
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/pip install --quiet --upgrade pip pip-tools; }
	$(COMPILE) -o requirements.lock pyproject.toml
	$(COMPILE) --extra test -o requirements-test.lock pyproject.toml
	printf 'pip\nsetuptools\n' | $(COMPILE) -o requirements-pip.lock -

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

run: setup
	$(BIN)/flask --app wsgi rules check
	@[ -n "$$FLASK_CARE_TEAM_PHONE" ] || echo "warning: FLASK_CARE_TEAM_PHONE is not set: patients are told to find the number on their discharge papers (set it, e.g. FLASK_CARE_TEAM_PHONE=555-0100 make run)"
	FLASK_SECRET_KEY="$${FLASK_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))')}" \
	  $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

# After changing the pages' own words: extract them, update the Spanish catalogue (translate
# any new entry in translations/es/LC_MESSAGES/messages.po), compile it; commit all three files.
translations: setup-test
	$(BIN)/pybabel extract -F translations/babel.cfg -k lazy_gettext --no-location --sort-output \
	  --project "Pump Check" --copyright-holder "Pump Check" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --width 100 --ignore-obsolete
	$(BIN)/pybabel compile -d translations

# Debian's Chromium for the browser tests (tests/browser). Installed only where it is missing and
# this is root with apt-get (CI), saying so first; elsewhere it says how, and the tests skip.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "chromium: /usr/bin/chromium is missing and the browser tests (tests/browser) drive it:"; \
	  echo "chromium: installing Debian's chromium package now (apt-get install chromium, as root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	  || echo "chromium: could not install it: the browser tests will skip (or fail in CI)"; \
	else \
	  echo "chromium: /usr/bin/chromium is missing: the browser tests will skip (CI fails);" \
	    "install it with: sudo apt-get install chromium"; \
	fi

# Debian's nginx, for tests/test_nginx.py (the shipped deploy/nginx.conf in front of the app).
# Installed only where it is missing and this is root with apt-get (CI), saying so first.
NGINX_FOUND = command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]
nginx:
	@if $(NGINX_FOUND); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "nginx: not installed, and tests/test_nginx.py runs deploy/nginx.conf in front of the app:"; \
	  echo "nginx: installing Debian's nginx package now (apt-get install nginx, as root; not started)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null \
	  || echo "nginx: could not install it: the nginx tests will skip (or fail in CI)"; \
	else \
	  echo "nginx: not installed: tests/test_nginx.py will skip (CI fails);" \
	    "install it with: sudo apt-get install nginx (or make nginx as root)"; \
	fi

# Static checks: lint rules, the format (`ruff format .` fixes it), types, security scan.
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy triage
	$(BIN)/bandit -q -r triage wsgi.py gunicorn.conf.py -ll

# Every check and test, each test once. First, side by side (each prints when it ends): lint,
# the gate on the shipped rules.yaml (`rules verify`: its clinical checks, with tests/cases) and
# on a clinic's edited copy (see edited-rules); then the tests on every core: those that show
# rule content (CONTENT_TESTS) against the edited copy, every other one against the shipped
# file. As root with apt-get (CI) it first installs Chromium and nginx where missing, saying so.
test: chromium nginx
	$(MAKE) --no-print-directory -j3 --output-sync=target lint verify edited-rules
	$(PYTEST) $(addprefix --ignore=,$(CONTENT_TESTS))
	$(MAKE) --no-print-directory test-content

# Everything in `make test` but the browser tests (tests/browser), and nothing installed: without
# nginx, tests/test_nginx.py skips and says so.
test-fast:
	@echo "test-fast: leaving out the browser tests in tests/browser (make test runs them)"
	@$(NGINX_FOUND) || echo "test-fast: nginx is not installed, so tests/test_nginx.py skips" \
	  "(make nginx installs it, as root)"
	$(MAKE) --no-print-directory -j3 --output-sync=target lint verify edited-rules
	$(PYTEST) -rs --ignore=tests/browser $(addprefix --ignore=,$(CONTENT_TESTS))
	$(MAKE) --no-print-directory test-content

# The gate on the shipped rules.yaml and its cases, as a clinic runs it.
verify: setup-test
	$(BIN)/flask --app wsgi rules verify

# The app's tests hold for any valid rule set (issue 17). tests/edited_rules/make_edited.py
# writes a clinic's edited copy of rules.yaml and its cases (an advice reworded in both
# languages; an urgent rule lowered to soon with its red flags, the cases and the floor row that
# follow; a new question with an emergency rule, a red flag and two cases), each edit placed
# where the loaded rules say, and the copy must pass `rules verify`. The tests of the front doors
# that show rule content (CONTENT_TESTS: pages and steps, API, call mode, note, FHIR, result card,
# when-to-call, the cases, the language switch) then run once, against that copy. Where the
# edits have no place in these rules (make_edited.py says why and exits 3), they run against the
# shipped file instead, saying so. Every other test runs on the shipped file only.
EDITED := build/edited-rules
CONTENT_TESTS := tests/test_views.py tests/test_flow.py tests/test_api.py tests/test_api_complete.py \
	tests/test_call.py tests/test_note.py tests/test_fhir.py tests/test_result.py \
	tests/test_when_to_call.py tests/test_nurse_action.py tests/test_cases.py tests/test_i18n.py
edited-rules: setup-test
	@rm -rf $(EDITED); status=0; $(BIN)/python tests/edited_rules/make_edited.py $(EDITED) || status=$$?; \
	if [ $$status = 3 ]; then echo "edited-rules: no edited copy (see above)"; exit 0; fi; \
	[ $$status = 0 ] || exit $$status; \
	echo "$(BIN)/flask --app wsgi rules verify $(EDITED)/rules.yaml"; \
	$(BIN)/flask --app wsgi rules verify $(EDITED)/rules.yaml

test-content: setup-test
	@if [ -f $(EDITED)/rules.yaml ]; then \
	  echo "FLASK_RULES_FILE=$(EDITED)/rules.yaml $(PYTEST) CONTENT_TESTS"; \
	  FLASK_RULES_FILE=$(CURDIR)/$(EDITED)/rules.yaml $(PYTEST) $(CONTENT_TESTS); \
	else \
	  echo "test-content: no edited copy of the rules, so the content tests run on the shipped rules.yaml"; \
	  $(PYTEST) $(CONTENT_TESTS); \
	fi

# The edited copy alone: make it, verify it, run the content tests against it.
test-edited: edited-rules
	$(MAKE) --no-print-directory test-content
