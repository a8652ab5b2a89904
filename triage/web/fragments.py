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
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

from ..engine.model import FiredWarning, Question, RuleSet
from .i18n import language

EXTENSION = "pump_check_fragments"
HIDDEN = Markup('<input type="hidden" name="{}" value="{}">')  # format() escapes both
LIMIT = 20_000  # parts kept per app; the shipped rules in both languages need about 1,200


def parts_store() -> dict:
    kept_parts = current_app.extensions.get(EXTENSION)
    if kept_parts is None:
        kept_parts = current_app.extensions[EXTENSION] = {}
    return kept_parts


def keep(key: Hashable, part) -> None:
    kept_parts = parts_store()
    if len(kept_parts) >= LIMIT:
        kept_parts.clear()
    kept_parts[key] = part


# While a page shell is rendered (triage/shells.py), what is each request's own is written as a
# mark instead: a private-use character (never in a page's own text) around the hole's number.
MARK = "\ue000"
RECORDER = "pump_check_shell_holes"


@dataclass(frozen=True)
class Carried:
    """In a shell's rendering, a stand-in for a list of (name, value) pairs of the request."""

    name: str


def mark(hole: tuple) -> Markup | None:
    """While a shell is rendered, note what a hole needs and return its mark; otherwise None."""
    holes = g.get(RECORDER) if has_request_context() else None
    if holes is None:
        return None
    holes.append(hole)
    return Markup("{0}{1}{0}").format(MARK, len(holes) - 1)


def kept(key: Hashable, render: Callable[..., Markup], *args, **kwargs) -> Markup:
    """Return the part named `key` in this request's language; render it the first time only."""
    store = parts_store()
    full_key = (language(), request.script_root, key)
    html = store.get(full_key)
    if html is None:
        if len(store) >= LIMIT:
            store.clear()
        html = store[full_key] = render(*args, **kwargs)  # a macro's Markup
        if MARK in html:  # it called csrf_token() or carries answers: never keep those
            del store[full_key]
            raise RuntimeError(f"a kept part holds a request's own part: {key!r}")
    return html


@pass_context
def request_part(context, render: Callable[..., Markup], *names: str) -> Markup:
    """A part of a page that is each request's own, rendered by a macro imported without
    context from what the page's context holds under `names`; a hole while a shell renders."""
    marked = mark(("call", render, names))
    if marked is not None:
        return marked
    return render(*[context[name] for name in names])


def csrf_token() -> str:
    """The templates' `csrf_token()`: Flask-WTF's token, or a hole while a shell is rendered."""
    return mark(("token",)) or generate_csrf()


def hidden_inputs(pairs: Iterable[tuple[str, str]] | Carried) -> Markup:
    """Return hidden inputs for (name, value) pairs, as the templates wrote them one by one.

    An answer's input is the one written for the rule set (flow.Plan.carried: every choice of
    every question, so it tells nothing of who chose it); anything else (a typed number, the
    CSRF token, the step) is written here.
    """
    if isinstance(pairs, Carried):
        return mark(("pairs", pairs.name)) or Markup("")
    carried = current_app.extensions["pump_check"].plan.carried
    return Markup("").join([carried.get(pair) or HIDDEN.format(*pair) for pair in pairs])


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


def _for_every(where: tuple, key: Hashable, every: Iterable, render: Callable, key_of=None) -> Markup:
    """Return the part kept under (*where, key); the first time, render and keep it for each
    of `every` at once (every answer, every rule; kept under key_of(each), or each itself), so
    what is kept tells nothing of which one a request asked for."""
    store = parts_store()
    html = store.get((*where, key))
    if html is None:
        if len(store) >= LIMIT:
            store.clear()
        for each in every:
            store[(*where, key_of(each) if key_of else each)] = render(each)
        html = store[(*where, key)]
    return html


def _every_state(field, kind: tuple, render: Callable[..., Markup], state) -> Markup:
    """Return the markup for `state`, keeping it for every answer of the question at once."""
    states = ("", *sorted(getattr(field, "allowed", ())))
    where = (language(), request.script_root, kind)
    return _for_every(where, state, states, lambda each: render(_with_data(field, each or None)))


def rule_part(
    kind: str, warning: FiredWarning, render: Callable[..., Markup], ruleset: RuleSet, *args
) -> Markup:
    """Return a warning's rule part (never its answers), keeping it for every rule at once so
    what is kept never tells which rules anyone's answers set off. `args` go to `render` after
    the warning; they must be fixed per language."""
    where = (language(), request.script_root, kind)
    every = (FiredWarning(rule, ()) for rule in ruleset.rules)  # read only the first time
    return _for_every(where, warning.rule.id, every, lambda each: render(each, *args), key_of=_rule_id)


def _rule_id(warning: FiredWarning) -> str:
    return warning.rule.id


def question(field, number: int, render: Callable[..., Markup], *args, **kwargs) -> Markup:
    """Return a question's markup: kept per (question, number on the page, answer chosen)."""
    marked = mark(("question", field.name, number, render, args, kwargs))
    if marked is not None:
        return marked
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


def summary_row(field, render: Callable[..., Markup], given: bool) -> Markup:
    """Return a question's row on the summary page ("Check your answers"): kept per answer."""
    marked = mark(("row", field.name, render))
    if marked is not None:
        return marked
    state = field_state(field)
    if state is None:
        return render(field, given)
    return _every_state(
        field, ("summary", field.name), lambda twin: render(twin, twin.data is not None), state
    )


def because_line(question: Question, answer, render: Callable[..., Markup], *args) -> Markup:
    """Return one "Because you said" line of a warning, kept per (question, answer) for every
    answer of the question at once; a number, or no answer, is rendered each time. `args` go
    to `render` after the answer; they must be fixed per language."""
    if question.number or answer not in question.values:
        return render(question, answer, *args)
    where = (language(), request.script_root, "because", question.id)
    return _for_every(where, answer, question.values, lambda each: render(question, each, *args))
