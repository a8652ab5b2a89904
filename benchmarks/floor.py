"""The floor for benchmarks/load.py: a bare Flask app whose one page renders a Jinja template of
the same size as Pump Check's result page (FLOOR_BYTES), with a loop and a few variables, and
nothing else: no form, no rules, no security headers. Run by load.py under the same gunicorn
settings as the app: `gunicorn -c gunicorn.conf.py benchmarks.floor:app`.
"""

import os

from flask import Flask, render_template
from jinja2 import DictLoader

SIZE = int(os.environ.get("FLOOR_BYTES", "8000"))
PARAGRAPH = "<p>{{ text }} {{ loop.index }}</p>\n"
TEXT = "Pump Check floor: a page of the same size as the result page, rendered by Jinja."
PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>'
    "</head><body><h1>{{ title }}</h1>\n{% for _ in rows %}" + PARAGRAPH + "{% endfor %}"
    "</body></html>\n"
)
ROWS = range(max(1, SIZE // (len(TEXT) + 12)))

app = Flask(__name__)
app.jinja_loader = DictLoader({"floor.html": PAGE})  # loaded and compiled once, like a file


@app.get("/floor")
def floor():
    return render_template("floor.html", title="Floor", text=TEXT, rows=ROWS)
