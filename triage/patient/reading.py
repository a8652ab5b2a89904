"""A page of the check as a form: which fields it shows, what it shows as chosen, and what a
post to it says (whatever can be read is kept; what cannot is named, never guessed)."""

from __future__ import annotations

from ..web.forms import NONE_OF_THESE
from . import flow
from .given import Given, opened


def field_names(page: flow.Page, given: Given) -> list[str]:
    """The page's fields: a step's questions and areas, or the questions its ticks opened."""
    if page.details:
        return opened(page.step, given)
    return [*page.step.questions, *(area.id for area in page.step.areas)]


def shown_answers(page: flow.Page, given: Given) -> dict:
    """What the page shows as chosen: the person's answers so far, ticks and "None of these"."""
    data: dict[str, object] = {q: given.asked[q] for q in field_names(page, given) if q in given.asked}
    if not page.details:
        for area in page.step.areas:
            if area.id in given.ticked:
                data[area.id] = list(given.ticked[area.id]) or [NONE_OF_THESE]
    return data


def read(given: Given, page: flow.Page, form) -> dict[str, str]:
    """Put what a posted form says into `given`; return the problems, by field, in words."""
    form.validate()
    problems = {}
    for name in field_names(page, given):
        field = form[name]
        if field.type == "ChecklistField" and (field.signs or not field.errors):
            given.ticked[name] = field.signs  # a sign ticked always counts (see ChecklistField.signs)
        if field.errors:
            problems[name] = str(field.errors[0])
        elif field.type != "ChecklistField" and field.data is not None:
            given.asked[name] = str(field.data)
    if not problems and not page.details and page.step.id not in given.done:
        given.done.append(page.step.id)
    return problems
