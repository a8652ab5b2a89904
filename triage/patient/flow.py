"""The check's path: which pages a person is asked, in which order, and when to stop.

Pure Python (no Flask). Every step is a page; a step whose ticked signs open questions is
followed by its details page. What to show after a page is sent:

- an emergency in the answers so far: the result, at once;
- urgent or worse (and more urgent than any result the person chose to answer past): the
  result, unless the details just opened could make it more urgent (then those first, one page);
- otherwise the first page of the path not yet answered; when none is left, the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import evaluate
from ..engine.model import Level, Result, RuleSet, Step
from .given import Given, answers, could_raise, opened

DETAILS = "details"


@dataclass(frozen=True)
class Page:
    step: Step
    number: int  # the step's number, 1 for the first
    details: bool = False  # the questions the step's ticked signs opened

    @property
    def address(self) -> str:
        """The page's part of its address: "fever_cuts_belly" or "fever_cuts_belly/details"."""
        return f"{self.step.id}/{DETAILS}" if self.details else self.step.id


def pages(ruleset: RuleSet, given: Given) -> list[Page]:
    """Every page this person is asked, in order, as far as their answers so far say."""
    found = []
    for number, step in enumerate(ruleset.steps, start=1):
        found.append(Page(step, number))
        if opened(step, given):
            found.append(Page(step, number, details=True))
    return found


def find(ruleset: RuleSet, given: Given, address: str) -> Page | None:
    """The page at `address`, if this person's path has it."""
    return next((page for page in pages(ruleset, given) if page.address == address), None)


def is_done(given: Given, page: Page) -> bool:
    """A step is done once sent in full; its details, once every opened question is answered."""
    if page.details:
        return all(question in given.asked for question in opened(page.step, given))
    return page.step.id in given.done


def next_page(ruleset: RuleSet, given: Given) -> Page | None:
    """The first page of the path not yet answered (None: every page is)."""
    return next((page for page in pages(ruleset, given) if not is_done(given, page)), None)


def previous(ruleset: RuleSet, given: Given, page: Page) -> Page | None:
    """The page before `page` on the path (None: it is the first)."""
    path = pages(ruleset, given)
    index = next((i for i, p in enumerate(path) if p.address == page.address), 0)
    return path[index - 1] if index > 0 else None


def result(ruleset: RuleSet, given: Given) -> Result:
    return evaluate(ruleset, answers(ruleset, given))


def stops(ruleset: RuleSet, given: Given) -> bool:
    """Whether the answers so far end the check now (see the module's note)."""
    found = answers(ruleset, given)
    level = evaluate(ruleset, found).level
    if level == Level.EMERGENCY:
        return True
    if level < Level.URGENT or level <= given.past:
        return False
    pending = [
        question
        for page in pages(ruleset, given)
        if page.details and page.step.id in given.done
        for question in opened(page.step, given)
        if question not in given.asked
    ]
    return not (pending and could_raise(ruleset, found, pending, level))


def after(ruleset: RuleSet, given: Given) -> Page | None:
    """The page to show after a page was sent; None means the result."""
    if stops(ruleset, given):
        return None
    return next_page(ruleset, given)


def remaining(ruleset: RuleSet, given: Given) -> int:
    """How many pages of the path are not answered yet."""
    return sum(1 for page in pages(ruleset, given) if not is_done(given, page))


def complete(ruleset: RuleSet, given: Given) -> bool:
    return next_page(ruleset, given) is None
