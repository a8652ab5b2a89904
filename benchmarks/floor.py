"""The floor the benchmarks measure Pump Check against: a bare Flask app whose pages render an
already-compiled Jinja template of paragraphs, with a loop and a few variables, and nothing
else: no form, no rules, no security headers.

- `GET /floor`: FLOOR_BYTES (default 8000) bytes of paragraphs, for benchmarks/load.py under the
  same gunicorn settings as the app: `gunicorn -c gunicorn.conf.py benchmarks.floor:app`.
- `GET /floor/<size>`: a page of exactly `size` bytes (benchmarks/pages.py: one per page size).
- `POST /json`: a three-field `jsonify`, the floor for the JSON API.
"""

import os

from flask import Flask, jsonify, render_template
from jinja2 import DictLoader

SIZE = int(os.environ.get("FLOOR_BYTES", "8000"))
PARAGRAPH = "<p>{{ text }} {{ loop.index }}</p>\n"
TEXT = "Pump Check floor: a page of the same size as the result page, rendered by Jinja."
PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>'
    "</head><body><h1>{{ title }}</h1>\n{% for _ in rows %}" + PARAGRAPH + "{% endfor %}"
    "{{ tail }}</body></html>\n"
)
ROWS = range(max(1, SIZE // (len(TEXT) + 12)))

app = Flask(__name__)
app.jinja_loader = DictLoader({"floor.html": PAGE})  # loaded and compiled once, like a file
_SHAPES: dict[int, tuple[range, str]] = {}  # size -> (paragraphs, padding to the exact size)


def shape(size: int) -> tuple[range, str]:
    """Return the paragraphs and the padding that make a floor page of exactly `size` bytes."""
    if size not in _SHAPES:
        rows = range(max(1, (size - 140) // (len(TEXT) + 12)))
        bare = render_template("floor.html", title="Floor", text=TEXT, rows=rows, tail="")
        _SHAPES[size] = rows, "x" * max(0, size - len(bare.encode()))
    return _SHAPES[size]


@app.get("/floor")
def floor():
    return render_template("floor.html", title="Floor", text=TEXT, rows=ROWS, tail="")


@app.get("/floor/<int:size>")
def floor_of_size(size: int):
    rows, tail = shape(size)
    return render_template("floor.html", title="Floor", text=TEXT, rows=rows, tail=tail)


@app.post("/json")
def json_floor():
    return jsonify(level="emergency", rules_version="floor", warnings=[])
