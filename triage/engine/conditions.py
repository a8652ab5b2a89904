"""Rule conditions: all / any / not over answers, "answer is one of", number comparisons.

Each condition answers: does it hold for these answers, which answers made it hold (the
"because you said ..." shown with every warning), which questions it reads, and how it reads in
words (`text`, the one wording of a condition used by the review sheet, `rules show`, the chart
of what each answer leads to and the safety findings).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

Answer = str | int | None
Answers = Mapping[str, Answer]


class _Label(Protocol):
    def in_language(self, language: str, fallback: str = "en") -> str: ...


class _Option(Protocol):
    @property
    def value(self) -> str: ...
    @property
    def label(self) -> _Label: ...


class _Question(Protocol):
    """What a condition's words need of a question (model.Question has it): its options."""

    @property
    def options(self) -> Sequence[_Option]: ...


Questions = Mapping[str, _Question] | None

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

    def text(self, questions: Questions = None, language: str = "en") -> str:
        """The condition in plain words: 'fever is "Yes" and days since surgery is at most 90'.

        With the rule set's `questions`, each answer is its label as the patient reads it in
        `language`; without, the option values as the rule file writes them.
        """
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

    def text(self, questions: Questions = None, language: str = "en") -> str:
        return f"{question_words(self.question)} is {_answers(self, questions, language)}"


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

    def text(self, questions: Questions = None, language: str = "en") -> str:
        return f"{question_words(self.question)} is {COMPARISONS[self.comparison][1]} {self.limit}"


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Answers) -> bool:
        return all(part.holds(answers) for part in self.parts)

    def because(self, answers: Answers) -> set[str]:
        return set[str]().union(*(part.because(answers) for part in self.parts))

    def questions(self) -> set[str]:
        return set[str]().union(*(part.questions() for part in self.parts))

    def text(self, questions: Questions = None, language: str = "en") -> str:
        return " and ".join(_grouped(part, questions, language) for part in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Answers) -> bool:
        return any(part.holds(answers) for part in self.parts)

    def because(self, answers: Answers) -> set[str]:
        return set[str]().union(*(part.because(answers) for part in self.parts if part.holds(answers)))

    def questions(self) -> set[str]:
        return set[str]().union(*(part.questions() for part in self.parts))

    def text(self, questions: Questions = None, language: str = "en") -> str:
        return " or ".join(_grouped(part, questions, language) for part in self.parts)


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

    def text(self, questions: Questions = None, language: str = "en") -> str:
        part = self.part
        if isinstance(part, Compare):
            # An unanswered number never matches a comparison, so "not above 90" includes "not known".
            return (
                f"{question_words(part.question)} is {_OPPOSITE[part.comparison]} {part.limit} or not known"
            )
        if isinstance(part, AnswerIs):
            return f"{question_words(part.question)} is not {_answers(part, questions, language)}"
        return f"not ({part.text(questions, language)})"


_OPPOSITE = {"above": "at most", "at_most": "more than", "below": "at least", "at_least": "less than"}


def question_words(question_id: str) -> str:
    """Return a question id as words: "days_since_surgery" -> "days since surgery"."""
    return question_id.replace("_", " ")


def _answers(condition: AnswerIs, questions: Questions, language: str) -> str:
    """The answers a condition names: the patient's labels in the question's order, or the values."""
    question = questions.get(condition.question) if questions else None
    if question is None:
        return " or ".join(sorted(condition.values))
    ordered = [option for option in question.options if option.value in condition.values]
    return " or ".join(f'"{option.label.in_language(language)}"' for option in ordered)


def _grouped(part: Condition, questions: Questions, language: str) -> str:
    """Word a part, in parentheses where its own "and"/"or" could be misread."""
    text = part.text(questions, language)
    grouped = (
        isinstance(part, (AllOf, AnyOf))
        and len(part.parts) > 1
        or isinstance(part, AnswerIs)
        and len(part.values) > 1
        or isinstance(part, Not)
        and isinstance(part.part, Compare)
    )
    return f"({text})" if grouped else text
