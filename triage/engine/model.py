"""The clinic's vocabulary as small immutable objects: levels, questions, rules, results."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .conditions import Answer, Answers, Condition


class Level(enum.IntEnum):
    """How soon to get help; a higher value is more urgent."""

    NONE = 0
    SOON = 1
    URGENT = 2
    EMERGENCY = 3

    @property
    def id(self) -> str:
        return self.name.lower()

    @classmethod
    def from_id(cls, level_id: str) -> Level:
        return cls[level_id.upper()]


LEVEL_IDS = tuple(level.id for level in sorted(Level, reverse=True))


class Text(Mapping):
    """One wording in each language the rule file declares: `text["en"]`."""

    def __init__(self, by_language: Mapping[str, str]):
        self._by_language = MappingProxyType(dict(by_language))

    def __getitem__(self, language: str) -> str:
        return self._by_language[language]

    def __iter__(self):
        return iter(self._by_language)

    def __len__(self) -> int:
        return len(self._by_language)

    def __repr__(self) -> str:
        return f"Text({dict(self._by_language)!r})"

    def in_language(self, language: str, fallback: str = "en") -> str:
        """Return the wording in `language`, else in `fallback`, else any."""
        return self.get(language) or self.get(fallback) or next(iter(self.values()), "")


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    hint: Text | None = None
    red_flag: Level | None = None
    ask: Text | None = None  # the nurse's wording of this answer, where the patient's says "you"
    line: int = 0  # where the option is written in the rule file


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    hint: Text | None
    options: tuple[Option, ...] = ()
    ask: Text | None = None  # nurse wording for a phone call
    number: bool = False
    minimum: int | None = None
    maximum: int | None = None
    unit: Text | None = None
    not_comparable: tuple[frozenset[str], ...] = ()

    @functools.cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    @functools.cached_property
    def more_serious_pairs(self) -> frozenset[tuple[str, str]]:
        """Every (milder, more serious) pair of options: the order of seriousness.

        Options are listed mildest first, so each is more serious than every option listed
        before it, except the pairs declared `not_comparable`. The loader refuses pairs that
        would make this order contradict itself; the safety check proves the rules follow it.
        """
        apart = set(self.not_comparable)
        return frozenset(
            (a, b)
            for i, a in enumerate(self.values)
            for b in self.values[i + 1 :]
            if frozenset((a, b)) not in apart
        )

    @functools.cached_property
    def next_up(self) -> tuple[tuple[str, str], ...]:
        """Every (option, next more serious option) step: a pair with no option in between."""
        pairs, position = self.more_serious_pairs, self.values.index
        return tuple(
            (a, b)
            for a, b in sorted(pairs, key=lambda p: (position(p[0]), position(p[1])))
            if not any((a, c) in pairs and (c, b) in pairs for c in self.values)
        )

    def option(self, value: Answer) -> Option:
        return next(option for option in self.options if option.value == value)

    def label_for(self, value: Answer, language: str = "en", unanswered: str = "not answered") -> str:
        """Return the patient's wording of an answer; `unanswered` for a question left blank.

        The word for "not answered" is the app's, not the rule file's: pages pass it from the
        catalogue in the patient's language.
        """
        if value is None:
            return unanswered
        if self.number:
            unit = self.unit.in_language(language) if self.unit else ""
            return f"{value} {unit}".strip()
        return self.option(value).label.in_language(language)


@dataclass(frozen=True)
class Category:
    id: str
    title: Text


@dataclass(frozen=True)
class LevelText:
    level: Level
    heading: Text
    action: Text
    nurse_action: Text | None = None  # what the nurse does on a follow-up call at this level
    say: Text | None = None  # what the nurse says to the patient on a call at this level
    while_you_wait: tuple[Text, ...] = ()  # things to do while waiting for help, in order


@dataclass(frozen=True)
class Step:
    """One page of the patient's check: a title and its questions, in the order asked."""

    id: str
    title: Text | None  # None where the loader made the steps (the file declares none)
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Band:
    """A range of a number question's answers within which every rule decides the same way.

    `low` and `high` are both included; None means no limit on that side.
    """

    low: int | None
    high: int | None

    @property
    def value(self) -> str:
        """Return the band's answer as a form sends it, e.g. "31-90"."""
        return f"{'' if self.low is None else self.low}-{'' if self.high is None else self.high}"

    @property
    def answer(self) -> int:
        """Return a number in the band: every rule decides it as it decides the whole band."""
        return self.low if self.low is not None else (self.high if self.high is not None else 0)

    def __contains__(self, number: int) -> bool:
        return (self.low is None or number >= self.low) and (self.high is None or number <= self.high)


@dataclass(frozen=True)
class Review:
    by: str
    on: str
    next_due: str
    # The reviewed content's digest (triage/review_digest.py); not part of the record's identity,
    # so the sheet still says a review shared by many rules once.
    digest: str = field(default="", compare=False)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    level: Level
    when: Condition
    title: Text
    advice: Text
    source: str
    line: int = 0
    review: Review | None = None


@dataclass(frozen=True)
class RuleSet:
    version: str
    languages: tuple[str, ...]
    levels: Mapping[Level, LevelText]
    categories: Mapping[str, Category]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    file: str = ""
    digest: str = ""  # short hash of the file's bytes, to tie a result to the exact file
    steps: tuple[Step, ...] = ()  # the patient's pages, in order; every question in one
    # Each number question that rules compare with limits: its bands, lowest first.
    bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        return self.questions_by_id[question_id]

    def where(self, rule: Rule) -> str:
        """Return where a rule is written: "file:line", or "line N" for a rule set built in code."""
        return f"{self.file}:{rule.line}" if self.file else f"line {rule.line}"

    @functools.cached_property
    def questions_by_id(self) -> Mapping[str, Question]:
        return {question.id: question for question in self.questions}

    @functools.cached_property
    def question_order(self) -> Mapping[str, int]:
        return {question.id: index for index, question in enumerate(self.questions)}

    @functools.cached_property
    def step_of(self) -> Mapping[str, int]:
        """Return each question's step number (1 for the first step)."""
        return {
            question_id: number
            for number, step in enumerate(self.steps, start=1)
            for question_id in step.questions
        }


@dataclass(frozen=True)
class FiredWarning:
    rule: Rule
    because: tuple[tuple[str, Answer], ...]  # (question id, answer) pairs that triggered it

    @property
    def level(self) -> Level:
        return self.rule.level


@dataclass(frozen=True)
class Result:
    level: Level
    warnings: tuple[FiredWarning, ...]
    answers: Answers = field(default_factory=dict)
    rules_version: str = ""
    rules_digest: str = ""
