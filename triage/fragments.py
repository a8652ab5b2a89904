"""Parts of pages that are fixed once the rule set, the settings and the language are known.

A page is mostly the same for every request in one language: the header, the numbers to call,
the footer, each question with a given answer chosen, each warning with the answers that set it
off. Those parts are rendered by their Jinja macro the first time they are needed and then kept,
per app, by (language, script root, key); a request only renders what is its own (the answers
carried, the CSRF token, the time) and joins the kept parts. `benchmarks/pages.py` measures it.

A kept part may depend only on its key, the language and the app's fixed state (rule set,
settings, routes): never on the CSRF token, the time, or an answer that is not in the key. So
keys hold only values from a closed set (question ids, validated answers, rule ids), and the
store is bounded all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from flask import current_app, request
from markupsafe import Markup, escape

from .i18n import language

EXTENSION = "pump_check_fragments"
LIMIT = 20_000  # parts kept per app; a rule set of 37 questions in 2 languages needs ~1,000


def _store() -> dict:
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        store = current_app.extensions[EXTENSION] = {}
    return store


def kept(key: Hashable, render: Callable[..., str], *args, **kwargs) -> Markup:
    """Return the part named `key` in this request's language; render it the first time only."""
    store = _store()
    full_key = (language(), request.script_root, key)
    html = store.get(full_key)
    if html is None:
        if len(store) >= LIMIT:
            store.clear()
        html = store[full_key] = Markup(render(*args, **kwargs))
    return html


def hidden_inputs(pairs: Iterable[tuple[str, str]]) -> Markup:
    """Return hidden inputs for (name, value) pairs, as the templates wrote them one by one."""
    store = _store()
    parts = []
    for pair in pairs:
        html = store.get(pair)
        if html is None:
            name, value = pair
            html = f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
            if len(store) < LIMIT:
                store[pair] = html
        parts.append(html)
    return Markup("".join(parts))


def field_state(field) -> Hashable | None:
    """Return what a question's markup depends on besides its question, or None when that is
    not from a closed set (an error shown, a number typed): then it is rendered every time."""
    if field.errors or field.process_errors:
        return None
    if field.raw_data and field.type == "WholeNumberField":
        return None if field.raw_data[0] else ""
    data = field.data
    if data is None:
        return ""
    choices = getattr(field, "allowed", None)
    return data if choices is not None and data in choices else None


def question(field, number: int, render: Callable[..., str], *args, **kwargs) -> Markup:
    """Return a question's markup: kept per (question, number on the page, answer chosen)."""
    state = field_state(field)
    if state is None:
        return Markup(render(field, number, *args, **kwargs))
    return kept(
        ("question", field.name, number, state, args, tuple(kwargs.items())),
        render,
        field,
        number,
        *args,
        **kwargs,
    )


def call_question(field, number: int, render: Callable[..., str], question, first: bool) -> Markup:
    """Return a call-mode question's markup: kept per (number, answer chosen, focus on it)."""
    state = field_state(field)
    if state is None:
        return Markup(render(field, number, question, first))
    return kept(("call", field.name, number, state, first), render, field, number, question, first)


def answers_key(fields, answered) -> tuple:
    """Return what a group of answers on the summary shows: each value, and a number as typed."""
    return tuple(
        (field.name, str(field.data), (field.raw_data or [""])[0])
        if field.name in answered
        else (field.name,)
        for field in fields
    )


def labels_key(warning, labels) -> tuple:
    """Return what a warning's "because you said" shows besides its rule: the bands' words."""
    labels = labels or {}
    return tuple(labels.get(question) for question, _ in warning.because)
