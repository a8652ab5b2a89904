"""The result page, and the advice every other page keeps showing once the answers call for it.

The card (result_card.py) has one action, its reasons with what the person said, what to do
while waiting, then the rest. Each "because you said" is in the words the person chose: the sign
they ticked ("Breathing is slow or shallow"), or the question and the answer they picked.
A result page never fails bare: if it cannot be drawn, a plain page still gives the level's
action and the numbers to call (issue 25, H1).
"""

from __future__ import annotations

import logging

from flask import render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..engine.model import Level, Result, RuleSet
from ..web import errors
from ..web.forms import band_choices
from ..web.i18n import language
from ..web.shared import clinic_now, contacts, loaded
from . import flow, reading, result_card, store
from .given import Given, answers, for_caregiver

log = logging.getLogger(__name__)


def said(ruleset: RuleSet, given: Given, caregiver: bool, lang: str) -> dict[str, str]:
    """Each answered question in the words the person chose: the sign ticked, or question: answer."""
    found = answers(ruleset, given)
    words: dict[str, str] = {}
    for step in ruleset.steps:
        for area in step.areas:
            for sign in area.signs:
                if sign.id in given.ticked.get(area.id, ()):
                    for question_id, value in sign.sets:
                        if found.get(question_id) == value:
                            words[question_id] = sign.label_for(caregiver).in_language(lang)
    for question_id, answer in found.items():
        question = ruleset.question(question_id)
        if question_id in words or (answer is None and question_id not in given.asked):
            continue  # (a number answered "I do not know" is None, and is worded as chosen)
        if question.number:
            label = _number_words(ruleset, question_id, given.asked.get(question_id, ""), lang)
        else:
            label = question.option(answer).label_for(caregiver).in_language(lang)
        words[question_id] = f"{question.text_for(caregiver).in_language(lang)} {label}"
    return words


def _number_words(ruleset: RuleSet, question_id: str, value: str, lang: str) -> str:
    """A number as the person chose it: a band's words ("31 to 90 days"), or the number typed."""
    question = ruleset.question(question_id)
    if question_id in ruleset.bands:
        choices = band_choices(question, ruleset.bands[question_id])
        return next((str(choice.label) for choice in choices if choice.value == value), value)
    unit = question.unit.in_language(lang) if question.unit else ""
    return f"{value} {unit}".strip()


def told(ruleset: RuleSet, given: Given, words: dict[str, str]) -> list[str]:
    """What the person told us, one line each, in the order asked: the signs and answers that
    are not the mildest (the "None of these" areas are one line: the rest was fine)."""
    found = answers(ruleset, given)
    lines = []
    for step in ruleset.steps:
        for question_id in step.all_questions:
            answer = found.get(question_id)
            question = ruleset.question(question_id)
            if question_id in words and (question.number or answer != question.values[0]):
                if words[question_id] not in lines:
                    lines.append(words[question_id])
    return lines


def page(ruleset: RuleSet, given: Given):
    result = flow.result(ruleset, given)
    caregiver = for_caregiver(ruleset, given)
    try:
        words = said(ruleset, given, caregiver, language())
        return render_template(
            "result.html",
            result=result,
            card=result_card.build(result, ruleset, language()),
            ruleset=ruleset,
            Level=Level,
            words=words,
            told=told(ruleset, given, words),
            remaining=flow.remaining(ruleset, given),
            checked_at=clinic_now(),
        )
    except HTTPException:
        raise
    except Exception:
        log.exception("the result page could not be drawn; the plain page was shown")  # no answers
        return plain_page(result), 500


def plain_page(result: Result):
    """The level's action in the app's own words and the numbers to call: nothing else."""
    numbers = contacts()
    words = {
        "number": numbers["emergency_number"],
        "care_team": numbers["care_team"],
        "phone": numbers["care_team_phone"],
    }
    if result.level == Level.EMERGENCY:
        action = gettext("Call %(number)s now.", **words)
    elif result.level == Level.EMERGENCY_ROOM:
        action = gettext(
            "Go to the emergency room now. If you get worse on the way, call %(number)s.", **words
        )
    elif result.level == Level.URGENT:
        action = gettext("Call %(care_team)s now at %(phone)s. In an emergency, call %(number)s.", **words)
    elif result.level == Level.SOON:
        action = gettext(
            "Call %(care_team)s at %(phone)s within 24 hours. In an emergency, call %(number)s.", **words
        )
    else:
        action = gettext(
            "If anything changes, call %(care_team)s at %(phone)s. In an emergency, call %(number)s.", **words
        )
    return render_template("plain_result.html", result=result, action=action)


def advice_so_far() -> Result | None:
    """The result the visitor's answers already call for, for an error page (None: no advice).

    The answers are those kept from earlier pages, with whatever the refused post itself says
    that can be read (a post refused for its token, or cut short, still shows its advice).
    """
    try:
        ruleset = loaded().ruleset
        given = store.load(ruleset)
        if request.method == "POST" and request.blueprint == "check" and request.view_args:
            try:
                _read_refused(ruleset, given)
            except HTTPException:  # a body too large or unreadable: the answers kept so far
                given = store.load(ruleset)
        result = flow.result(ruleset, given)
        return result if result.level > Level.NONE else None
    except Exception:  # an error page must be shown whatever else is wrong
        return None


def _read_refused(ruleset: RuleSet, given: Given) -> None:
    step_id = str((request.view_args or {}).get("step_id", ""))
    details = request.url_rule is not None and request.url_rule.rule.endswith("/details")
    page = flow.find(ruleset, given, f"{step_id}/{flow.DETAILS}" if details else step_id)
    if page is None:
        return
    form_class = loaded().page_forms[page.step.id, page.details]
    reading.read(given, page, form_class(formdata=request.form))


def init_app(app) -> None:
    app.extensions[errors.ADVICE] = advice_so_far
