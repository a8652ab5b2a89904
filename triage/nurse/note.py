"""The chart note of a nurse's follow-up call: plain text that pastes cleanly into any record.

Pure Python (no Flask). The note starts with a summary (level, the nurse's action, the
positive findings and the relevant negatives), then the call details (who the patient is, or
that the nurse could not say; who answered, from the rule file's `answerer` question), every
question in the order the call asks them (triage/nurse/order.py) with its answer, the warnings
with their rule ids, the advice given (the level's `say` line first) and the rule set. The
wording is the nurse's (each question's `ask` text); the note is always in English, whatever
language the call was held in.

The layout is ASCII only (no tabs, box lines or bullets that a record system could mangle);
the clinic's own words are kept, with typographic symbols (degree sign, dashes, curly quotes,
arrows, non-breaking spaces) folded to ASCII. Lines are at most WIDTH characters, so the note
reads the same in a fixed-width record and on paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..engine.model import Answer, Level, Question, Result, Rule, RuleSet
from .details import NOTE_LANGUAGE, CallDetails, call_lines
from .order import answerer, call_order
from .plaintext import wrap as _wrap


def _visible(note: str) -> str:
    """Drop every character that shows nothing, whoever wrote it (the nurse, the rule file, the
    clinic's settings): controls, private-use characters, and bidi overrides and isolates
    (U+202E and the like), which would show a line of the chart in another order (issue 25)."""
    if all(line.isprintable() for line in note.split("\n")):
        return note  # the usual case, at C speed
    return "".join(ch for ch in note if ch.isprintable() or ch == "\n")


def asked(question: Question) -> str:
    """Return the nurse's wording of a question (its `ask` text, else the patient's)."""
    return (question.ask or question.text).in_language(NOTE_LANGUAGE)


def answer_text(question: Question, answer) -> str:
    """Return an answer as the note says it: the option's words, "not known" or "not asked"."""
    if answer is None:
        return "not known" if question.number else "not asked"
    ask = None if question.number else question.option(answer).ask
    if ask is not None:
        return ask.in_language(NOTE_LANGUAGE)
    return question.label_for(answer, NOTE_LANGUAGE)


def is_positive(question: Question, answer) -> bool:
    """A choice answered with anything but its first (mildest: "No", "None") option."""
    return not question.number and answer is not None and answer != question.values[0]


def is_red_flag_question(question: Question) -> bool:
    return any(option.red_flag is not None for option in question.options)


@dataclass(frozen=True)
class Summary:
    """The note's first block: what a clinician reading the chart needs first."""

    level: Level
    nurse_action: str
    positives: tuple[tuple[Question, Answer, tuple[str, ...]], ...]  # (question, answer, rule ids)
    negatives: tuple[tuple[Question, Answer], ...]  # red-flag questions asked and denied
    context: tuple[tuple[Question, Answer], ...]  # number answers (e.g. days since surgery)
    unanswered: tuple[Question, ...]


def summary(ruleset: RuleSet, result: Result, contacts: Mapping[str, str]) -> Summary:
    """Work out the summary block: level, nurse action, positives, negatives, unanswered."""
    red_flags = {q.id for q in ruleset.questions if is_red_flag_question(q)}
    rules_by_question: dict[str, list[str]] = {}
    for warning in result.warnings:
        for question_id, _ in warning.because:
            rules_by_question.setdefault(question_id, []).append(warning.rule.id)
    positives, negatives, context, unanswered = [], [], [], []
    for question in call_order(ruleset):
        answer = result.answers.get(question.id)
        if question.number:
            context.append((question, answer))
        elif answer is None:
            unanswered.append(question)
        elif is_positive(question, answer):
            positives.append((question, answer, tuple(rules_by_question.get(question.id, ()))))
        elif question.id in red_flags:
            negatives.append((question, answer))
    return Summary(
        result.level,
        nurse_action(ruleset, result.level, contacts),
        tuple(positives),
        tuple(negatives),
        tuple(context),
        tuple(unanswered),
    )


def nurse_action(ruleset: RuleSet, level: Level, contacts: Mapping[str, str]) -> str:
    """Return what the nurse does at this level, from the rule file, with the clinic's numbers."""
    text = ruleset.levels[level].nurse_action
    if text is None:
        return (
            f"The rule file sets no nurse action for {level.id.upper()}: follow the "
            "clinic's protocol for this level."
        )
    return text.filled(NOTE_LANGUAGE, contacts)


def say_line(ruleset: RuleSet, level: Level, contacts: Mapping[str, str], language: str) -> str:
    """Return what the nurse says to the patient at this level (the rule file's `say`), in
    `language` with that language's contacts; "" where the rule file gives none."""
    text = ruleset.levels[level].say
    return text.filled(language, contacts) if text is not None else ""


def level_line(result: Result, unanswered: int) -> str:
    """Say the level once, and that a "none" covers only the answers given."""
    if result.level == Level.NONE and unanswered:
        return (
            f"NONE - no warning signs in the answers given ({unanswered} "
            f"question{'s' if unanswered != 1 else ''} not asked)"
        )
    if result.level == Level.NONE:
        return "NONE - no warning signs in the answers"
    return result.level.id.replace("_", " ").upper()


def who_answered(ruleset: RuleSet, result: Result) -> str:
    """Say who answered, from the rule file's `answerer` question ("" if not asked)."""
    question = answerer(ruleset)
    answer = result.answers.get(question.id) if question else None
    return answer_text(question, answer) if question and answer is not None else ""


def _summary_lines(result: Result, block: Summary) -> list[str]:
    lines = [
        "SUMMARY",
        *_wrap(level_line(result, len(block.unanswered)), "Level:        "),
        *_wrap(block.nurse_action, "Nurse action: "),
    ]
    lines.append("Positive findings:" + ("" if block.positives else " none"))
    for question, answer, rule_ids in block.positives:
        rules = f" [{', '.join(dict.fromkeys(rule_ids))}]" if rule_ids else ""
        lines += _wrap(f"{asked(question)} -> {answer_text(question, answer)}{rules}", "  + ")
    negatives = "; ".join(_said(question, answer) for question, answer in block.negatives)
    lines.append("Relevant negatives (red-flag questions asked and denied):")
    lines += _wrap(negatives or "none", "  - ", "    ")
    for question, answer in block.context:
        lines += _wrap(f"{asked(question)} -> {answer_text(question, answer)}", "Also:         ")
    if block.unanswered:
        lines += _wrap(
            f"{len(block.unanswered)} not asked: " + "; ".join(asked(q) for q in block.unanswered),
            "Unanswered:   ",
        )
    return lines


def _question_block(number: int, question: Question, answer) -> str:
    return "\n".join(
        [
            *_wrap(asked(question), f"{number:>2}. "),
            *_wrap(answer_text(question, answer), "    Answer: ", " " * 12),
        ]
    )


def _said(question: Question, answer: Answer) -> str:
    return f"{question.id.replace('_', ' ')}: {answer_text(question, answer)}"


def _rule_block(ruleset: RuleSet, rule: Rule, number: int) -> str:
    category = ruleset.categories[rule.category].title.in_language(NOTE_LANGUAGE)
    level = rule.level.id.replace("_", " ").upper()
    heading = f"{level} - rule {rule.id} - {rule.title.in_language(NOTE_LANGUAGE)}"
    return "\n".join(
        [
            *_wrap(heading, f"{number:>2}. "),
            *_wrap(category, "    Category: ", " " * 14),
        ]
    )


def chart_note(
    ruleset: RuleSet,
    result: Result,
    contacts: Mapping[str, str],
    *,
    written_at: datetime,
    details: CallDetails | None = None,
    block: Summary | None = None,
) -> str:
    """Return the chart note: summary, call details, every answer, warnings, advice, rules.

    `block` is this result's `summary`, worked out here when not given.
    """
    details = details or CallDetails()
    block = block or summary(ruleset, result, contacts)
    lines = [
        "PUMP CHECK - NURSE FOLLOW-UP CALL (intrathecal baclofen pump)",
        "",
        *_summary_lines(result, block),
        "",
        *call_lines(details, written_at, who_answered(ruleset, result)),
        "",
        f"QUESTIONS AND ANSWERS ({len(ruleset.questions)}, in the order asked)",
    ]
    for number, question in enumerate(call_order(ruleset), start=1):
        lines.append(_question_block(number, question, result.answers.get(question.id)))
    lines += ["", f"WARNINGS ({len(result.warnings)}, most urgent first)"]
    if not result.warnings:
        lines.append("    None: no answer given matched a warning rule.")
    for number, warning in enumerate(result.warnings, start=1):
        because = "; ".join(_said(ruleset.question(q), answer) for q, answer in warning.because)
        lines.append(_rule_block(ruleset, warning.rule, number))
        lines += _wrap(because, "    Because:  ", " " * 14)
    lines += ["", "ADVICE GIVEN"]
    said = say_line(ruleset, result.level, contacts, NOTE_LANGUAGE)
    if result.level == Level.NONE:
        safety_net = said or ruleset.levels[Level.NONE].action.filled(NOTE_LANGUAGE, contacts)
        lines += _wrap(f"Safety net: {safety_net}", " - ", "   ")
    elif said:
        lines += _wrap(f"To the patient: {said}", " - ", "   ")
    for warning in result.warnings:
        advice = warning.rule.advice.filled(NOTE_LANGUAGE, contacts)
        lines += _wrap(f"{advice} ({warning.rule.id})", " - ", "   ")
    lines += [
        "",
        f"Rule set: version {result.rules_version}, digest {result.rules_digest}",
        *_wrap(
            "Pump Check gives advice on whom to call and how soon. It is not a "
            "diagnosis and does not replace clinical judgement.",
            "",
        ),
    ]
    return _visible("\n".join(lines) + "\n")
