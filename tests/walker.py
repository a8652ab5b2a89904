"""Walk the check with Flask's test client as a browser would: open a page, read its form, send
it with the page's own CSRF token, follow the redirect. What to answer is derived from the loaded
rules (any valid rule set), never from the shipped file's ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpers import token_in

from triage import engine
from triage.engine.model import Level, RuleSet, Sign, Step

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
