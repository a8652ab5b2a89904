"""The words findings are made of: question names, answers, counts, lists and rule places."""

from __future__ import annotations

from ..engine.conditions import question_words
from ..engine.model import Answer, Question

__all__ = ["answer_words", "count", "joined", "question_words", "value_words"]


def value_words(question: Question, value: Answer) -> str:
    """Return one answer as words: "not known", "30 days", "slow or shallow"."""
    if value is None:
        return "not known"
    if question.number:
        return question.label_for(value)
    return str(value).replace("_", " ")


def answer_words(question: Question, value: Answer) -> str:
    """Return a question and its answer, e.g. "neck pain: stiff"."""
    return f"{question_words(question.id)}: {value_words(question, value)}"


def count(number: int, thing: str) -> str:
    """Return "1 rule", "2 rules", "1,024 values"."""
    return f"{number:,} {thing}{'s' * (number != 1)}"


def joined(parts: list[str]) -> str:
    """Return "a", "a and b", "a, b and c"."""
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
