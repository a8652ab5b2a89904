"""Walk the check with Flask's test client as a browser would: open a page, read its form, send
it with the page's own CSRF token, follow the redirect. What to answer is derived from the loaded
rules (any valid rule set), never from the shipped file's ids.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from helpers import token_in

from triage import engine
from triage.engine.model import Level, Result, RuleSet, Sign, Step
from triage.patient import flow, given, store

FIELD = re.compile(r'<input type="(radio|checkbox)" id="[^"]*" name="([^"]+)" value="([^"]*)"( checked)?')


@dataclass
class Page:
    address: str  # the path, e.g. "/check/start"
    status: int
    html: str
    # name -> (kind, every value offered, the values shown as chosen)
    fields: dict[str, tuple[str, list[str], list[str]]] = field(default_factory=dict)

    @property
    def is_result(self) -> bool:
        return self.address == "/check/result"

    @property
    def level(self) -> str:
        """The result's level id, from the card's class."""
        match = re.search(r'class="card card--([a-z_]+)" id="action"', self.html)
        assert match, "not a result page"
        return match.group(1)


def read(address: str, response) -> Page:
    html = response.get_data(as_text=True)
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    for kind, name, value, checked in FIELD.findall(html):
        entry = found.setdefault(name, (kind, [], []))
        entry[1].append(value)
        if checked:
            entry[2].append(value)
    return Page(address, response.status_code, html, found)


class Walker:
    """One visitor's browser: its cookies (the session, the language) and where it is."""

    def __init__(self, client):
        self.client = client
        self.page: Page | None = None
        self.addresses: list[str] = []  # every address the browser was sent to

    def open(self, address: str, **kwargs) -> Page:
        response = self.client.get(address, **kwargs)
        while response.status_code in (302, 303):
            address = response.headers["Location"]
            self.addresses.append(address)
            response = self.client.get(address)
        self.page = read(address.split("?")[0], response)
        return self.page

    def start(self) -> Page:
        """Press "Start the symptom check" on the start page."""
        start = self.client.get("/").get_data(as_text=True)
        return self._send("/check/new", {"csrf_token": token_in(start)})

    def send(self, answers: dict) -> Page:
        """Send the current page's form with `answers` (name -> value or list of values)."""
        assert self.page is not None
        data = {"csrf_token": token_in(self.page.html), **answers}
        return self._send(self.page.address, data)

    def _send(self, address: str, data: dict) -> Page:
        response = self.client.post(address, data=data)
        assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:500])
        self.addresses.append(response.headers["Location"])
        return self.open(response.headers["Location"])

    def mildest(self) -> dict:
        """The answers of someone who is well: each question's first answer, "None of these"."""
        assert self.page is not None
        answers = {}
        for name, (kind, values, _) in self.page.fields.items():
            answers[name] = "none" if kind == "checkbox" else values[0]
        return answers

    def through(self, choose=None, limit: int = 20) -> Page:
        """Answer every page until the result: `choose(page)` gives a page's answers (default:
        the mildest), and may return only some of them (the rest mildest)."""
        assert self.page is not None
        for _ in range(limit):
            if self.page.is_result:
                return self.page
            self.send({**self.mildest(), **((choose(self.page) if choose else None) or {})})
        raise AssertionError("the check did not end")

    def finish(self, choose=None, limit: int = 20) -> Page:
        """Answer every page, pressing "Answer the remaining pages" on each result that offers
        it, until the result of a check with every page answered."""
        page = self.through(choose, limit)
        for _ in range(limit):
            if 'action="/check/more"' not in page.html:
                return page
            self.more()
            page = self.through(choose, limit)
        raise AssertionError("the remaining pages did not end")

    def more(self) -> Page:
        """Press "Answer the remaining pages" on the result shown."""
        assert self.page is not None and 'action="/check/more"' in self.page.html
        return self._send("/check/more", {"csrf_token": token_in(self.page.html)})

    def kept(self, ruleset: RuleSet) -> given.Given:
        """What this browser's session cookie keeps of the answers (read as the app reads it)."""
        with self.client.session_transaction() as session:
            kept = session.get(store.KEY)
        return given.Given.from_json(ruleset, kept["given"]) if kept else given.Given()

    def result(self, ruleset: RuleSet) -> Result:
        """The result the answers kept in this browser give."""
        return flow.result(ruleset, self.kept(ruleset))


# ------------------------------------------------------------------ answers from the rules


def signs_with_steps(ruleset: RuleSet) -> list[tuple[int, Step, str, Sign]]:
    """Every sign with its step's number, its step and its area's id, in the order asked."""
    return [
        (number, step, area.id, sign)
        for number, step in enumerate(ruleset.steps, start=1)
        for area in step.areas
        for sign in area.signs
    ]


def level_alone(ruleset: RuleSet, sign: Sign) -> Level:
    """The level a sign's answers give on their own (every other answer its mildest)."""
    return engine.evaluate(ruleset, dict(sign.sets)).level


def sign_reaching(ruleset: RuleSet, level: Level, *, first_page: bool | None = None):
    """A sign that sets answers giving exactly `level` alone, as (step number, area id, sign)."""
    for number, _, area, sign in signs_with_steps(ruleset):
        if first_page is not None and (number == 1) != first_page:
            continue
        if sign.sets and level_alone(ruleset, sign) == level:
            return number, area, sign
    return None


# ------------------------------------------------------------------ choices and the session


def pick(chosen: dict):
    """A `choose(page)` for Walker.through: the entries of `chosen` that the page asks."""
    return lambda page: {name: value for name, value in chosen.items() if name in page.fields}


def offered(ruleset: RuleSet, question_id: str) -> list[str]:
    """The values a page offers for a question asked on it (a number: its bands, "unknown")."""
    question = ruleset.question(question_id)
    if question.number:
        return [band.value for band in ruleset.bands.get(question_id, ())] + [given.UNKNOWN]
    return list(question.values)


def walked(ruleset: RuleSet, chosen: dict) -> given.Given:
    """What a walk through every page gives: `chosen` where it says, else Walker.mildest's
    answers (each question's first value offered, "None of these", a details page's first)."""
    found = given.Given(done=[step.id for step in ruleset.steps])
    for step in ruleset.steps:
        for question_id in step.questions:
            found.asked[question_id] = chosen.get(question_id, offered(ruleset, question_id)[0])
        for area in step.areas:
            ticked = chosen.get(area.id, [])
            ticked = [ticked] if isinstance(ticked, str) else ticked
            found.ticked[area.id] = tuple(sign for sign in ticked if sign != "none")
        for question_id in given.opened(step, found):
            found.asked[question_id] = chosen.get(question_id, ruleset.question(question_id).values[1])
    return found


def result_of(ruleset: RuleSet, chosen: dict) -> Result:
    """The result of a walk through every page with `chosen`."""
    return engine.evaluate(ruleset, given.answers(ruleset, walked(ruleset, chosen)))


def level_of(ruleset: RuleSet, chosen: dict) -> Level:
    """The level a walk through every page with `chosen` ends at."""
    return result_of(ruleset, chosen).level


def choices(ruleset: RuleSet) -> list[tuple[int, dict]]:
    """Every single thing a person can choose beside the mildest, as (step number, chosen): an
    answer to a question on a page, a sign ticked, or a sign ticked and one answer it opens."""
    found = []
    for number, step in enumerate(ruleset.steps, start=1):
        for question_id in step.questions:
            found += [(number, {question_id: value}) for value in offered(ruleset, question_id)[1:]]
        for area in step.areas:
            for sign in area.signs:
                if sign.sets or not sign.opens:
                    found.append((number, {area.id: sign.id}))
                for question_id in sign.opens:
                    for value in ruleset.question(question_id).values[1:]:
                        found.append((number, {area.id: sign.id, question_id: value}))
    return found


def choice_reaching(ruleset: RuleSet, level: Level, *, first_page: bool | None = None) -> dict | None:
    """One choice (see `choices`) whose walk ends at exactly `level`; {} for Level.NONE."""
    if level == Level.NONE:
        return {}
    for number, chosen in choices(ruleset):
        if first_page is not None and (number == 1) != first_page:
            continue
        if level_of(ruleset, chosen) == level:
            return chosen
    return None


def choice_per_level(ruleset: RuleSet, pairs: bool = False) -> dict[Level, dict]:
    """For each level some single choice reaches, that choice (the mildest for Level.NONE); with
    `pairs`, two choices together for a level no single one reaches, where two do."""
    found: dict[Level, dict] = {Level.NONE: {}}
    singles = [chosen for _, chosen in choices(ruleset)]
    for chosen in singles:
        found.setdefault(level_of(ruleset, chosen), chosen)
    for first, second in itertools.combinations(singles if pairs else [], 2):
        if len(found) == len(Level):
            break
        if not set(first) & set(second):
            found.setdefault(level_of(ruleset, {**first, **second}), {**first, **second})
    return found


def worst(ruleset: RuleSet) -> dict:
    """Every sign ticked and every question at its last answer: the result with most warnings."""
    chosen: dict = {}
    for step in ruleset.steps:
        for question_id in step.questions:
            chosen[question_id] = offered(ruleset, question_id)[-1]
        for area in step.areas:
            chosen[area.id] = [sign.id for sign in area.signs]
            for sign in area.signs:
                chosen.update({q: ruleset.question(q).values[-1] for q in sign.opens})
    return chosen
