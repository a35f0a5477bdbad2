# The two commands: `make run` (set up, seed the demo, serve) and `make test` (the whole suite; the
# browser journeys run apart with `make e2e`). Without DATABASE_URL both use a private PostgreSQL
# under var/postgres (kaltara_portal/local_postgres.py), started once and reused; `make stop` stops it.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := kaltara_portal.settings

.PHONY: run stop test venv migrate seed messages lint check audit e2e clean worker deploy-check

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

messages: venv
	@if command -v msgfmt >/dev/null 2>&1; then DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

migrate: venv messages
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput -v 0

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: seed
	@mkdir -p var
	@echo ""
	@echo "Portal Karang Taruna Kaltara: http://$(HOST):$(PORT)/"
	@echo "Demo logins (password demo12345): provinsi, kabupaten, pengurus, kades, pengurus2, perusahaan, admin"
	@echo ""
	@# The background worker (imports, exports) runs beside the server; both stop together, and so
	@# does the private PostgreSQL (when DATABASE_URL is not set).
	DEBUG=1 $(PY) manage.py worker --no-reload --queue-name default > var/worker.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; $(MAKE) --no-print-directory stop' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Stops the tests' streaming replica if one runs, and the private PostgreSQL (nothing to do for the
# latter when DATABASE_URL names a server).
stop:
	@if [ -x $(PY) ]; then scripts/replica stop; fi
	@if [ -z "$$DATABASE_URL" ] && [ -x $(PY) ]; then $(PY) -m kaltara_portal.local_postgres stop; fi

test: venv messages
	@mkdir -p var
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

# The browser journeys (tests/e2e/): Debian's Chromium against a live portal; screenshots in test-artifacts/e2e/.
e2e: venv messages
	@test -x /usr/bin/chromium || { echo "e2e needs Chromium: apt-get install -y chromium" >&2; exit 1; }
	$(PY) -m pytest -p no:xdist -m e2e -q -s tests/e2e $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: venv
	$(PY) manage.py makemigrations --check --dry-run
	scripts/check-deploy

# The production configuration in deploy/ (nginx -t, systemd-analyze verify, gunicorn, check --deploy).
deploy-check: venv
	scripts/deploy-check

# pip-audit over the exact pins of pyproject.toml; says AUDIT SKIPPED (never a pass) when the
# vulnerability service does not answer. AUDIT_STRICT=1 makes a skip fail (exit 3).
audit: venv
	$(PY) scripts/audit.py

worker: migrate
	DEBUG=1 $(PY) manage.py worker --queue-name default

clean: stop
	rm -rf $(VENV) var/postgres staticfiles
