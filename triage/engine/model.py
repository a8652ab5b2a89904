"""The clinic's vocabulary as small immutable objects: levels, questions, rules, results."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .conditions import Answer, Answers, Condition


class Level(enum.IntEnum):
    """Where to get help and how soon (a disposition); a higher value is more urgent.

    EMERGENCY: call 911 now. EMERGENCY_ROOM: go to the emergency room now, by car. URGENT: call
    the care team now. SOON: call the care team within 24 hours. NONE: keep watching.
    """

    NONE = 0
    SOON = 1
    URGENT = 2
    EMERGENCY_ROOM = 3
    EMERGENCY = 4

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

    def filled(self, language: str, contacts: Mapping[str, str]) -> str:
        """Return the wording with the clinic's numbers and names in its placeholders
        ({emergency_number}, {care_team}...; the loader allows no other)."""
        return self.in_language(language).format_map(contacts)


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    hint: Text | None = None
    red_flag: Level | None = None
    ask: Text | None = None  # the nurse's wording of this answer, where the patient's says "you"
    line: int = 0  # where the option is written in the rule file
    caregiver_label: Text | None = None  # for someone answering for the patient ("They fainted")

    def label_for(self, caregiver: bool) -> Text:
        """Return the wording for the patient, or for someone answering for them."""
        return self.caregiver_label if caregiver and self.caregiver_label else self.label


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
    caregiver_text: Text | None = None  # for someone answering for the patient ("Is the person ...")
    caregiver_hint: Text | None = None
    line: int = 0  # where the question is written in the rule file

    def text_for(self, caregiver: bool) -> Text:
        """Return the question for the patient, or for someone answering for them."""
        return self.caregiver_text if caregiver and self.caregiver_text else self.text

    def hint_for(self, caregiver: bool) -> Text | None:
        return self.caregiver_hint if caregiver and self.caregiver_hint else self.hint

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
class Sign:
    """One line of an area's checklist. Ticked, it `sets` answers or `opens` questions (asked on
    the next page); left unticked, each of its questions has its first, mildest answer."""

    id: str
    label: Text
    sets: tuple[tuple[str, str], ...] = ()  # (question id, answer) pairs
    opens: tuple[str, ...] = ()  # question ids
    hint: Text | None = None
    caregiver_label: Text | None = None

    def label_for(self, caregiver: bool) -> Text:
        return self.caregiver_label if caregiver and self.caregiver_label else self.label

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions whose answers the sign gives, or asks for."""
        return tuple(question for question, _ in self.sets) + self.opens


@dataclass(frozen=True)
class Area:
    """A checklist of signs with an explicit "None of these": one tap for an area that is fine."""

    id: str
    title: Text
    signs: tuple[Sign, ...]
    hint: Text | None = None
    caregiver_title: Text | None = None
    line: int = 0  # where the area is written in the rule file

    def title_for(self, caregiver: bool) -> Text:
        return self.caregiver_title if caregiver and self.caregiver_title else self.title


@dataclass(frozen=True)
class Step:
    """One page of the patient's check: its questions, then its areas' checklists, in order."""

    id: str
    title: Text | None  # None where the loader made the steps (the file declares none)
    questions: tuple[str, ...]
    areas: tuple[Area, ...] = ()
    line: int = 0  # where the step is written in the rule file

    @property
    def signs(self) -> tuple[Sign, ...]:
        return tuple(sign for area in self.areas for sign in area.signs)

    @property
    def all_questions(self) -> tuple[str, ...]:
        """Every question this page gives an answer to: asked, set or opened by its signs."""
        found = dict.fromkeys(self.questions)
        for sign in self.signs:
            found.update(dict.fromkeys(sign.questions))
        return tuple(found)


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
    # Questions no longer asked, for API clients that still send them: each old answer as
    # answers to today's questions (retired question id -> old answer -> {question: answer}).
    retired: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

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
        """Return each question's step number (1 for the first step), asked or set by a sign."""
        found: dict[str, int] = {}
        for number, step in enumerate(self.steps, start=1):
            for question_id in step.all_questions:
                found.setdefault(question_id, number)
        return found

    @functools.cached_property
    def signs_by_id(self) -> Mapping[str, Sign]:
        return {sign.id: sign for step in self.steps for sign in step.signs}


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
