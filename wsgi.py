"""The WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

import sys

from triage import StartupError, create_app

try:
    app = create_app()
except StartupError as error:
    sys.exit(f"Pump Check did not start: {error}")
