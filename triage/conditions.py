"""Rule conditions: all / any / not over answers, "answer is one of", number comparisons.

Each condition answers two questions: does it hold for these answers, and which answers
made it hold (the "because you said ..." shown with every warning).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # model.py imports this module for Rule.when: no cycle at run time
    from .model import Answers

COMPARISONS = {
    "at_least": (operator.ge, "at least"),
    "at_most": (operator.le, "at most"),
    "above": (operator.gt, "more than"),
    "below": (operator.lt, "less than"),
}


class Condition(Protocol):
    """What every condition offers: the engine, the proofs and the pages use only this."""

    def holds(self, answers: Answers) -> bool:
        """Does the condition hold for these answers?"""
        ...

    def because(self, answers: Answers) -> set[str]:
        """The questions whose answers made it hold (shown as "because you said ...")."""
        ...

    def questions(self) -> set[str]:
        """Every question the condition reads."""
        ...

    def describe(self) -> str:
        """The condition in plain words, for rule authors."""
        ...


@dataclass(frozen=True)
class AnswerIs:
    """The answer to `question` is one of `values`."""

    question: str
    values: frozenset[str]

    def holds(self, answers: Answers) -> bool:
        return answers.get(self.question) in self.values

    def because(self, answers: Answers) -> set[str]:
        return {self.question}

    def questions(self) -> set[str]:
        return {self.question}

    def describe(self) -> str:
        return f"{_name(self.question)} is {' or '.join(sorted(self.values))}"


@dataclass(frozen=True)
class Compare:
    """A number answer compared with a limit; an unanswered number never matches."""

    question: str
    comparison: str  # a key of COMPARISONS
    limit: int

    def holds(self, answers: Answers) -> bool:
        value = answers.get(self.question)
        return value is not None and COMPARISONS[self.comparison][0](value, self.limit)

    def because(self, answers: Answers) -> set[str]:
        return {self.question}

    def questions(self) -> set[str]:
        return {self.question}

    def describe(self) -> str:
        return f"{_name(self.question)} is {COMPARISONS[self.comparison][1]} {self.limit}"


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Answers) -> bool:
        return all(part.holds(answers) for part in self.parts)

    def because(self, answers: Answers) -> set[str]:
        return set[str]().union(*(part.because(answers) for part in self.parts))

    def questions(self) -> set[str]:
        return set[str]().union(*(part.questions() for part in self.parts))

    def describe(self) -> str:
        return " and ".join(_grouped(part) for part in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Answers) -> bool:
        return any(part.holds(answers) for part in self.parts)

    def because(self, answers: Answers) -> set[str]:
        return set[str]().union(*(part.because(answers) for part in self.parts if part.holds(answers)))

    def questions(self) -> set[str]:
        return set[str]().union(*(part.questions() for part in self.parts))

    def describe(self) -> str:
        return " or ".join(_grouped(part) for part in self.parts)


@dataclass(frozen=True)
class Not:
    part: Condition

    def holds(self, answers: Answers) -> bool:
        return not self.part.holds(answers)

    def because(self, answers: Answers) -> set[str]:
        # "not more than 90 days" holds because of the days answer (or its absence).
        return self.part.questions()

    def questions(self) -> set[str]:
        return self.part.questions()

    def describe(self) -> str:
        return f"not {_grouped(self.part)}"


def _name(question_id: str) -> str:
    return question_id.replace("_", " ")


def _grouped(part: Condition) -> str:
    """Describe a part, in parentheses where it joins several conditions."""
    text = part.describe()
    return f"({text})" if isinstance(part, (AllOf, AnyOf)) and len(part.parts) > 1 else text
