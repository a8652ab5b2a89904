"""Gunicorn settings, read by `gunicorn wsgi:app` when it is started from this folder."""

# Load the app once in the master, before any worker starts. If create_app refuses to start
# (no secret key, an invalid rule file), gunicorn then exits at once with our one-line message,
# instead of booting and losing workers in a loop.
preload_app = True
