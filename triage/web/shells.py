"""Pages kept whole per language, with holes for what is each request's own.

A page is kept only where it may depend on nothing but its key, the language and the app's fixed
state (rule set, settings, routes), like any kept part (triage/fragments.py). It is rendered once
with nothing answered and a mark (a "hole") wherever a request's own part goes, and kept in parts;
each request fills the holes:

- the start page, the first step and the printable sheet: the CSRF token (and the first step's
  questions, from their kept parts);
- a step with no error and no advice so far: the token, the answers carried (in the step's form,
  in Back and in the language switch; flow.Plan.carried) and each question's chosen answer (kept
  per answer by fragments.question);
- the summary: the same, and each answer's row (fragments.summary_row);
- a result, per level: the reasons with the answers that set them off, "also noted", the counts
  and the time (templates/_result_parts.html, through fragments.request_part).

What is kept is the page with nothing answered, so it tells nothing of anyone's answers.
`tests/test_page_shells.py` compares filled pages with pages rendered whole
(FLASK_KEEP_PAGES=false renders every page whole).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

from flask import current_app, g, render_template, request
from flask_wtf.csrf import generate_csrf

from . import fragments
from .i18n import language

HOLE = re.compile(f"{fragments.MARK}([0-9]+){fragments.MARK}")


@dataclass(frozen=True)
class Shell:
    """A page in parts: parts[0], hole 0, parts[1], hole 1, ..., parts[-1]."""

    parts: tuple[str, ...]
    holes: tuple[tuple, ...]  # what each hole needs: see fragments.mark

    def fill(
        self, pairs: Mapping[str, Iterable[tuple[str, str]]] | None = None, form=None, values=None
    ) -> str:
        """Return the page with this request's token, carried answers, chosen answers (of
        `form`) and own parts (fragments.request_part, from `values`)."""
        out = [self.parts[0]]
        for hole, text in zip(self.holes, self.parts[1:], strict=True):
            kind = hole[0]
            if kind == "token":
                out.append(generate_csrf())
            elif kind == "pairs":
                out.append(fragments.hidden_inputs((pairs or {})[hole[1]]))
            elif kind == "row":
                _, name, render = hole
                out.append(fragments.summary_row(form[name], render, name in values["answered"]))
            elif kind == "call":
                _, render, names = hole
                out.append(render(*[values[name] for name in names]))
            else:  # "question"
                _, name, number, render, args, kwargs = hole
                out.append(fragments.question(form[name], number, render, *args, **kwargs))
            out.append(text)
        return "".join(out)


def keeping() -> bool:
    """Whether pages are kept (FLASK_KEEP_PAGES, default true; false renders every page whole)."""
    return bool(current_app.config["KEEP_PAGES"])


def page(key: Hashable, template: str, context: Callable[[], dict], form=None) -> str:
    """Return a page that is the same for everyone in a language but for its CSRF token (the
    start page, the first step before any answer, the printable sheet): kept, with the token
    filled in (and the questions of `form`, if it has any). `context()` is called only when
    the page is rendered; it must be fixed too."""
    if not keeping():
        return render_template(template, **context())
    return kept(key, template, context).fill(None, form)


def kept(key: Hashable, template: str, context: Callable[[], dict]) -> Shell:
    """Return the shell of a page, rendering it the first time with marks for its holes."""
    store = fragments.parts_store()
    full_key = (language(), request.script_root, "shell", key)
    shell = store.get(full_key)
    if shell is None:
        g.pop(fragments.RECORDER, None)
        holes = g.setdefault(fragments.RECORDER, [])
        try:
            html = render_template(template, **context())
        finally:
            g.pop(fragments.RECORDER, None)
        pieces = HOLE.split(html)  # text, hole number, text, ...
        numbers = [int(number) for number in pieces[1::2]]
        if numbers != list(range(len(holes))):  # every hole once, in order: else do not keep
            raise RuntimeError(f"a page shell's holes are out of order: {numbers}")
        shell = Shell(tuple(pieces[::2]), tuple(holes))
        fragments.keep(full_key, shell)
    return shell
