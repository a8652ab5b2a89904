"""The WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

import sys

from triage import StartupError, create_app

# Gunicorn stops (rather than restarting the worker for ever) when a worker exits with this
# code while loading the app; gunicorn.conf.py loads the app before any worker starts anyway.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except StartupError as error:
    print(f"Pump Check did not start: {error}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
