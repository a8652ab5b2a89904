"""The chart note of a nurse's follow-up call: plain text that pastes cleanly into any record.

Pure Python (no Flask). The layout is ASCII only (no tabs, box lines or bullets that a record
system could mangle); the clinic's own words are kept, with typographic symbols (degree sign,
dashes, curly quotes, arrows, non-breaking spaces) folded to ASCII. Lines are at most WIDTH
characters, so the note reads the same in a fixed-width record and on paper.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from datetime import date, datetime

from .model import Result, RuleSet

WIDTH = 72
REFERENCE_MAX = 60

_ASCII = str.maketrans({
    "\u00b0": " deg ", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'",
    "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2192": "->", "\u2264": "<=", "\u2265": ">=",
    "\u00a0": " ", "\u202f": " ", "\u2026": "...", "\u2022": "-", "\u00d7": "x",
})


def plain(text: str) -> str:
    """Fold typographic symbols to ASCII and collapse all whitespace (incl. newlines) to one space."""
    return re.sub(r"\s+", " ", str(text).translate(_ASCII)).strip()


def clean_reference(reference: str | None) -> str:
    """Return the patient reference as one short line with no control characters."""
    text = "".join(ch for ch in (reference or "") if ch.isprintable() or ch.isspace())
    return plain(text)[:REFERENCE_MAX]


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    return textwrap.wrap(plain(text), width=WIDTH, initial_indent=first,
                         subsequent_indent=rest if rest is not None else " " * len(first),
                         break_on_hyphens=False, break_long_words=True) or [first.rstrip()]


def _when(moment: datetime) -> str:
    """Return a date and a US 12-hour time with its zone: "2026-11-26 2:05 PM UTC"."""
    hour = moment.hour % 12 or 12
    return f"{moment:%Y-%m-%d} {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'} " \
        f"{moment.tzname() or ''}".strip()


def _label(ruleset: RuleSet, question_id: str, answer, language: str) -> str:
    return "not known" if answer is None else ruleset.question(question_id).label_for(answer, language)


def chart_note(ruleset: RuleSet, result: Result, contacts: Mapping[str, str], *,
               written_at: datetime, reference: str = "", call_date: date | None = None,
               language: str = "en") -> str:
    """Return the chart note: when, who, every answer asked, each warning, the advice, the rules."""
    level_text = ruleset.levels[result.level]
    reference = clean_reference(reference)
    lines = ["PUMP CHECK - NURSE FOLLOW-UP CALL (intrathecal baclofen pump)",
             f"Patient reference: {reference or '(none given)'}",
             f"Call date:         {(call_date or written_at.date()).isoformat()}",
             f"Note written:      {_when(written_at)}",
             f"Triage level:      {result.level.id.upper()} "
             f"({plain(level_text.heading.in_language(language))})",
             f"Rule set:          version {result.rules_version}, digest {result.rules_digest}",
             "", f"ANSWERS ({len(ruleset.questions)} questions asked, in the order asked)"]
    for number, question in enumerate(ruleset.questions, start=1):
        wording = (question.ask or question.text).in_language(language)
        answer = result.answers.get(question.id)
        lines += _wrap(wording, f"{number:>2}. ")
        lines += _wrap(_label(ruleset, question.id, answer, language), "    Answer: ", " " * 12)
    lines += ["", f"WARNINGS ({len(result.warnings)}, most urgent first)"]
    if not result.warnings:
        lines.append("    None: no answer matched a warning rule.")
    for number, warning in enumerate(result.warnings, start=1):
        rule = warning.rule
        category = ruleset.categories[rule.category].title.in_language(language)
        because = "; ".join(f"{q.replace('_', ' ')}: {_label(ruleset, q, answer, language)}"
                            for q, answer in warning.because)
        lines += _wrap(f"{rule.level.id.upper()} - rule {rule.id} - {rule.title.in_language(language)}",
                       f"{number:>2}. ")
        lines += _wrap(category, "    Category: ", " " * 14)
        lines += _wrap(because, "    Because:  ", " " * 14)
    lines += ["", "ADVICE GIVEN"]
    lines += _wrap(level_text.action.in_language(language).format(**contacts), " - ", "   ")
    for warning in result.warnings:
        lines += _wrap(f"{warning.rule.advice.in_language(language)} ({warning.rule.id})", " - ", "   ")
    lines += ["", *_wrap("Pump Check gives advice on whom to call and how soon. It is not a "
                         "diagnosis and does not replace clinical judgement.", "")]
    return "\n".join(lines) + "\n"
