"""Parts of pages that are fixed once the rule set, the settings and the language are known.

A page is mostly the same for every request in one language: the header, the numbers to call,
the footer, each question with each of its answers chosen, each warning's rule part. Those
parts are rendered by their Jinja macro the first time they are needed and then kept, per app,
by (language, script root, key); a request renders only what is its own (the answers carried,
"because you said", the CSRF token, the time) and joins the kept parts.
`benchmarks/pages.py` measures it.

A kept part may depend only on its key, the language and the app's fixed state (rule set,
settings, routes): never on the CSRF token, the time or a patient's answers. A question is kept
with every one of its answers at once, so what is kept never tells which answers anyone gave;
a card's rule part (title, category, advice, never the answers) is kept for every rule at once, so
what is kept does not tell which rules have fired either. The only key a request chooses alone
is a result's level. The store is bounded all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from flask import current_app, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .i18n import language
from .model import FiredWarning, RuleSet

EXTENSION = "pump_check_fragments"
HIDDEN = Markup('<input type="hidden" name="{}" value="{}">')  # format() escapes both
LIMIT = 20_000  # parts kept per app; a rule set of 37 questions in 2 languages needs ~1,000


def _store() -> dict:
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        store = current_app.extensions[EXTENSION] = {}
    return store


def kept(key: Hashable, render: Callable[..., Markup], *args, **kwargs) -> Markup:
    """Return the part named `key` in this request's language; render it the first time only."""
    store = _store()
    full_key = (language(), request.script_root, key)
    html = store.get(full_key)
    if html is None:
        if len(store) >= LIMIT:
            store.clear()
        html = store[full_key] = render(*args, **kwargs)  # a macro's Markup
    return html


TOKEN_STAND_IN = "pump-check-csrf-token-stand-in"  # safe in HTML as it is: never escaped


def page(key: Hashable, template: str, context: Callable[[], dict]) -> str:
    """Return a whole page that is the same for every request in one language but for its CSRF
    token (the start page, the first step before any answer, the printable sheet): rendered the
    first time with a stand-in token, kept in parts, and joined with this request's token.

    The page may depend only on `key`, the language and the app's fixed state, like any kept
    part; what it is rendered with (`context()`, called the first time only) must be fixed too.
    """
    store = _store()
    full_key = (language(), request.script_root, "page", key)
    parts = store.get(full_key)
    if parts is None:
        if len(store) >= LIMIT:
            store.clear()
        html = render_template(template, **context(), csrf_token=lambda: TOKEN_STAND_IN)
        parts = store[full_key] = tuple(html.split(TOKEN_STAND_IN))
    return generate_csrf().join(parts) if len(parts) > 1 else parts[0]


def hidden_inputs(pairs: Iterable[tuple[str, str]]) -> Markup:
    """Return hidden inputs for (name, value) pairs, as the templates wrote them one by one.

    An answer's input is the one written for the rule set (flow.Plan.carried: every choice of
    every question, so it tells nothing of who chose it); anything else (a typed number, the
    CSRF token, the step) is written here.
    """
    carried = current_app.extensions["pump_check"].plan.carried
    return Markup("".join([carried.get(pair) or HIDDEN.format(*pair) for pair in pairs]))


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


def _with_data(field, data):
    """Return a copy of a field holding `data` (the field itself may be shared: never changed)."""
    twin = object.__new__(type(field))
    twin.__dict__.update(field.__dict__)
    twin.data, twin.raw_data = data, None
    return twin


def _every_state(field, kind: tuple, render: Callable[..., Markup], state) -> Markup:
    """Return the markup for `state`, keeping it for every answer of the question at once, so
    what is kept never tells which answers were given."""
    store = _store()
    where = (language(), request.script_root)
    html = store.get((*where, kind, state))
    if html is None:
        if len(store) >= LIMIT:
            store.clear()
        for each in ("", *sorted(getattr(field, "allowed", ()))):
            store[(*where, kind, each)] = render(_with_data(field, each or None))
        html = store[(*where, kind, state)]
    return html


def rule_part(kind: str, warning: FiredWarning, render: Callable[..., Markup], ruleset: RuleSet) -> Markup:
    """Return a warning's rule part (never its answers), keeping it for every rule at once so
    what is kept never tells which rules anyone's answers set off."""
    store = _store()
    where = (language(), request.script_root, kind)
    html = store.get((*where, warning.rule.id))
    if html is None:
        if len(store) >= LIMIT:
            store.clear()
        for rule in ruleset.rules:
            store[(*where, rule.id)] = render(FiredWarning(rule, ()))
        html = store[(*where, warning.rule.id)]
    return html


def question(field, number: int, render: Callable[..., Markup], *args, **kwargs) -> Markup:
    """Return a question's markup: kept per (question, number on the page, answer chosen)."""
    state = field_state(field)
    if state is None:
        return render(field, number, *args, **kwargs)
    kind = ("question", field.name, number, args, tuple(kwargs.items()))
    return _every_state(field, kind, lambda twin: render(twin, number, *args, **kwargs), state)


def call_question(field, number: int, render: Callable[..., Markup], question, first: bool) -> Markup:
    """Return a call-mode question's markup: kept per (number, answer chosen, focus on it)."""
    state = field_state(field)
    if state is None:
        return render(field, number, question, first)
    kind = ("call", field.name, number, first)
    return _every_state(field, kind, lambda twin: render(twin, number, question, first), state)
