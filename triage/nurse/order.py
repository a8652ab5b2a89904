"""The order of a follow-up call: who is answering first, then the check's steps as groups.

Pure Python (no Flask). On the phone the nurse learns who is speaking before anything else, so
the rule file's question `answerer` ("Who is answering these questions?") is asked first, once,
with the patient reference; it also says who answered in the chart note and the FHIR answers.
The other questions follow in the order of the check's steps, each step a group the nurse can
answer "No to the rest of this group" in one key. Question ids are part of the API and never
renamed, so naming one here is safe; a rule file without it simply has no "who" question.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.model import Question, RuleSet, Text

ANSWERER = "answerer"  # the rule file's "Who is answering these questions?"


@dataclass(frozen=True)
class Group:
    """A step of the check, as a group of questions on the call page."""

    id: str
    title: Text | None
    questions: tuple[Question, ...]


def answerer(ruleset: RuleSet) -> Question | None:
    """Return the question that says who is answering, if the rule file asks it."""
    question = ruleset.questions_by_id.get(ANSWERER)
    return question if question is not None and not question.number else None


def groups(ruleset: RuleSet) -> tuple[Group, ...]:
    """Return the questions after the first, grouped by the check's steps (then any in none)."""
    first = answerer(ruleset)
    seen = {first.id} if first else set()
    found = []
    for step in ruleset.steps:
        questions = tuple(ruleset.question(q) for q in step.questions if q not in seen)
        seen.update(q.id for q in questions)
        if questions:
            found.append(Group(step.id, step.title, questions))
    rest = tuple(q for q in ruleset.questions if q.id not in seen)
    if rest:
        found.append(Group("other", None, rest))
    return tuple(found)


def call_order(ruleset: RuleSet) -> tuple[Question, ...]:
    """Return every question in the order a call asks it: who is answering, then each group."""
    first = answerer(ruleset)
    return ((first,) if first else ()) + tuple(q for group in groups(ruleset) for q in group.questions)


def numbers(ruleset: RuleSet) -> dict[str, int]:
    """Return each question's number on the call page and in the chart note (from 1)."""
    return {question.id: number for number, question in enumerate(call_order(ruleset), start=1)}
