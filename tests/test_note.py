"""The chart note: a summary first, then everything, plain and pasteable anywhere."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from level_examples import answers_reaching, full_answers

from triage import engine
from triage.engine.model import Level, Text
from triage.nurse import details, note, order, plaintext
from triage.nurse.call import evaluate_given

CONTACTS = {
    "emergency_number": "911",
    "care_team": "the Pump Clinic",
    "care_team_phone": "555-0100",
    "after_hours_phone": "555-0199",
    "emergency_room": "the emergency room at St. Mary's",
    "call_back_minutes": "30",
}
WRITTEN = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)


def make_note(ruleset, answers, **details):
    result = evaluate_given(ruleset, answers)
    return result, note.chart_note(
        ruleset, result, CONTACTS, written_at=WRITTEN, details=details_of(**details)
    )


def details_of(**given) -> details.CallDetails:
    return details.CallDetails(**given)


def flat(text: str) -> str:
    return " ".join(text.split())  # undo the line wrapping


def block(text: str, title: str) -> str:
    """Return one block of the note (from its title line to the next blank line)."""
    start = text.index(f"\n{title}\n") + 1
    return text[start : text.index("\n\n", start)]


def nurse_words(question, value) -> str:
    """A choice answer as the rule file words it for the nurse: the option's `ask`, else its label."""
    option = question.option(value)
    return flat(plaintext.plain((option.ask or option.label).in_language("en")))


def level_name(level: Level) -> str:
    return level.id.replace("_", " ").upper()  # "EMERGENCY ROOM"


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.id)
def test_the_summary_comes_first_with_the_level_and_the_nurses_action(ruleset, level):
    chosen = answers_reaching(ruleset, level)
    answers = full_answers(ruleset, chosen)
    result, text = make_note(ruleset, answers)
    assert result.level == level
    summary = block(text, "SUMMARY")
    titles = [
        "\nSUMMARY\n",
        "\nCALL\n",
        "\nQUESTIONS AND ANSWERS",
        "\nWARNINGS",
        "\nADVICE GIVEN\n",
        "\nRule set: version",
    ]
    assert [text.index(title) for title in titles] == sorted(text.index(title) for title in titles)
    assert summary.splitlines()[1].startswith(f"Level:        {level_name(level)}")
    words = ruleset.levels[level]
    if words.nurse_action is None:  # optional in a rule file: the note says there is none
        assert f"sets no nurse action for {level.id.upper()}" in flat(summary)
    else:
        action = flat(plaintext.plain(words.nurse_action.filled("en", CONTACTS)))
        assert f"Nurse action: {action}" in flat(summary)
    patient_action = flat(plaintext.plain(words.action.filled("en", CONTACTS)))
    assert patient_action not in flat(summary)  # never "call the clinic" to the nurse
    # Positives: exactly the answers that are not a question's first answer, with their rules.
    positives = [q for q in ruleset.questions if note.is_positive(q, answers.get(q.id))]
    assert {q.id for q in positives} == {q for q in chosen if not ruleset.question(q).number}
    for question in positives:
        rule_ids = [w.rule.id for w in result.warnings if question.id in dict(w.because)]
        rules = f" [{', '.join(dict.fromkeys(rule_ids))}]" if rule_ids else ""
        asked = flat(plaintext.plain(note.asked(question)))
        assert f"+ {asked} -> {nurse_words(question, answers[question.id])}{rules}" in flat(summary)
    assert flat(summary).count(" + ") == len(positives)
    if not positives:
        assert "Positive findings: none" in summary
    for warning in result.warnings:
        assert warning.rule.id in flat(summary)
    # Negatives: every red-flag question answered with its first answer, and nothing else.
    denied = [
        q
        for q in ruleset.questions
        if note.is_red_flag_question(q) and not q.number and answers[q.id] == q.values[0]
    ]
    negatives = flat(summary).split("asked and denied): - ")[1]
    for question in denied:
        assert f"{question.id.replace('_', ' ')}: {nurse_words(question, question.values[0])}" in negatives
    for question in positives:
        assert f"{question.id.replace('_', ' ')}:" not in negatives


def test_no_label_is_said_twice(ruleset):
    for level in Level:
        _, text = make_note(ruleset, full_answers(ruleset, answers_reaching(ruleset, level)))
        heading = ruleset.levels[level].heading.in_language("en")
        assert f"Level:        {level_name(level)}" in text
        assert f"{level_name(level)} ({heading})" not in flat(text)


def test_unanswered_questions_say_not_asked_and_a_none_covers_only_the_answers_given(ruleset):
    choice = [q for q in ruleset.questions if not q.number]
    given = {q.id: q.values[0] for q in choice[1:]}  # the first choice question not asked
    result, text = make_note(ruleset, given)
    assert result.level == Level.NONE
    assert "no warning signs in the answers given (1 question not asked)" in flat(text)
    assert f"Unanswered: 1 not asked: {plaintext.plain(note.asked(choice[0]))}" in flat(text)
    assert f"{plaintext.plain(note.asked(choice[0]))} Answer: not asked" in flat(text)
    _, complete = make_note(ruleset, full_answers(ruleset, {}))
    assert "in the answers given" not in complete and "not asked" not in complete


def test_the_call_details_are_in_the_note(ruleset):
    started = WRITTEN - timedelta(minutes=7)
    _, text = make_note(
        ruleset,
        full_answers(ruleset, {}),
        reference="AB 1234",
        call_date=date(2026, 11, 25),
        initials="JS",
        started=started,
        language="es",
        actions=("Review booked",),
        comments="Spoke with his wife.\nWill call back at 5.",
    )
    call = block(text, "CALL")
    assert "Patient reference: AB 1234\n" in call
    assert "Call date:         2026-11-25\n" in call
    assert "Call time:         1:58 PM to 2:05 PM UTC (7 min)\n" in call
    assert "Note written:      2026-11-26 2:05 PM UTC\n" in call
    assert "Nurse:             JS\n" in call
    who = order.answerer(ruleset)  # who answered: the rule file's question, asked once
    assert ("Who answered:      " in call) == (who is not None)
    assert "Call held in Spanish" in flat(call) and "this note is in English" in flat(call)
    assert "Actions taken:     Review booked\n" in call
    assert "Comments:          Spoke with his wife.\n                   Will call back at 5." in call


def test_every_question_asked_is_in_the_note_in_the_nurses_words(ruleset):
    chosen = answers_reaching(ruleset, Level.URGENT)
    result, text = make_note(ruleset, full_answers(ruleset, chosen))
    for number, question in enumerate(order.call_order(ruleset), start=1):
        answer = result.answers[question.id]
        assert (
            f"{number}. {plaintext.plain(note.asked(question))} Answer: "
            f"{plaintext.plain(note.answer_text(question, answer))}" in flat(text)
        )
    assert f"QUESTIONS AND ANSWERS ({len(ruleset.questions)}, in the order asked)" in text


def test_each_warning_has_its_rule_id_level_and_advice(ruleset):
    result, text = make_note(ruleset, full_answers(ruleset, answers_reaching(ruleset, Level.EMERGENCY)))
    assert result.warnings
    for number, warning in enumerate(result.warnings, start=1):
        assert (
            f"{number}. {level_name(warning.level)} - rule {warning.rule.id} - "
            f"{flat(plaintext.plain(warning.rule.title.in_language('en')))}"
        ) in flat(text)
        advice = flat(plaintext.plain(warning.rule.advice.filled("en", CONTACTS)))  # the clinic's numbers
        assert f"- {advice} ({warning.rule.id})" in flat(text)


def test_a_call_with_no_warnings_gives_the_safety_net_and_unknown_days_say_not_known(ruleset):
    _, text = make_note(ruleset, full_answers(ruleset, {}))
    assert "WARNINGS (0, most urgent first)\n    None: no answer given matched a warning rule." in text
    words = ruleset.levels[Level.NONE]
    safety_net = (words.say or words.action).filled("en", CONTACTS)  # the call's own line
    assert f"Safety net: {flat(plaintext.plain(safety_net))}" in flat(text)
    for question in (q for q in ruleset.questions if q.number):
        assert f"{plaintext.plain(note.asked(question))} Answer: not known" in flat(text)
    assert "Patient reference: (none given)" in text
    assert "Call date:         2026-11-26" in text  # the day the note was written


def test_the_note_is_plain_ascii_lines_that_fit(ruleset):
    answers = full_answers(ruleset, {q.id: q.values[-1] for q in ruleset.questions if not q.number})
    _, text = make_note(
        ruleset, answers, reference="Zoë “JD” O’Brien — 12", comments="Temp 38.5 °C — “feels awful”\t\x1b[31m"
    )
    # Only letters may be non-ASCII (the typed name); every symbol is folded.
    assert all(ch.isascii() or ch.isalpha() for ch in text)
    assert "\t" not in text and "\r" not in text and "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= plaintext.WIDTH
    assert 'Patient reference: Zoë "JD" O\'Brien - 12\n' in text


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("AB\n1234", "AB 1234"),  # no line injection into the note
        ("AB\r\nTriage level: NONE", "AB Triage level: NONE"),
        ("  x\x00y\x1b[31m  ", "xy[31m"),  # control characters dropped
        ("R" * 100, "R" * details.REFERENCE_MAX),
    ],
)
def test_the_reference_stays_on_one_short_line(typed, kept):
    assert details.clean_reference(typed) == kept


@pytest.mark.parametrize(
    "given, line, ready",
    [
        ({"reference": "AB 1234"}, "Patient reference: AB 1234", True),
        (
            {"no_reference": True},
            'Patient reference: NONE - patient not identified (the nurse chose "no',
            True,
        ),
        ({"reference": " \t "}, "Patient reference: (none given)", False),
        ({}, "Patient reference: (none given)", False),
    ],
)
def test_the_note_names_the_patient_or_says_the_nurse_could_not(ruleset, given, line, ready):
    """The page gives the note only when `identified` (issue 24: a note under "(none given)"
    could be pasted into the wrong chart)."""
    _, text = make_note(ruleset, full_answers(ruleset, {}), **given)
    assert line in text
    assert details.identified(details_of(**given)) is ready


def test_who_answered_is_the_answer_to_the_rule_files_question(ruleset):
    who = order.answerer(ruleset)
    if who is None:
        pytest.skip("this rule set does not ask who is answering")
    for value in who.values:
        _, text = make_note(ruleset, full_answers(ruleset, {who.id: value}))
        said = plaintext.plain(note.answer_text(who, value))
        assert f"Who answered: {said}" in flat(block(text, "CALL"))


def test_comments_cannot_forge_a_line_of_the_note(ruleset):
    _, text = make_note(ruleset, {}, comments="ok\nLevel:        NONE\r\nSUMMARY")
    assert [line for line in text.splitlines() if line.startswith("Level:")] == [text.splitlines()[3]]
    assert "\nSUMMARY\n" not in text[text.index("\nCALL\n") :]


def test_the_engine_result_is_unchanged_when_every_question_is_answered(ruleset):
    answers = full_answers(ruleset, answers_reaching(ruleset, Level.SOON))
    assert evaluate_given(ruleset, answers).warnings == engine.evaluate(ruleset, answers).warnings


def test_answers_are_in_the_nurses_words_where_the_rules_give_them(ruleset):
    worded = [(q, o) for q in ruleset.questions for o in q.options if o.ask is not None]
    if not worded:
        pytest.skip("no option in these rules has nurse wording")
    for question, option in worded:
        others = [q for q in ruleset.questions if not q.number and q.id != question.id]
        answers = {q.id: q.values[0] for q in others} | {question.id: option.value}
        _, text = make_note(ruleset, answers)
        assert plaintext.plain(option.ask.in_language("en")) in flat(text)
        assert plaintext.plain(option.label.in_language("en")) not in flat(text)


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ue000\x1b\x85"


def test_no_bidi_override_or_invisible_character_reaches_the_note(ruleset):
    """Issue 25, note: a right-to-left override shows a line of the chart in another order.
    Whatever wrote it: the nurse's fields, the rule file's texts, or the clinic's settings."""
    none = ruleset.levels[Level.NONE]  # its action is the note's safety net for a "none"
    action = Text({**none.action, "en": f"Keep{BIDI} checking."})
    levels = {**ruleset.levels, Level.NONE: dataclasses.replace(none, action=action, say=None)}
    tampered = dataclasses.replace(ruleset, levels=levels)  # the loader would refuse it now
    result = evaluate_given(tampered, full_answers(tampered, {}))
    contacts = {**CONTACTS, "emergency_number": f"9{BIDI}11"}
    call = details_of(
        reference=f"MRN{BIDI}123",
        initials=f"J{BIDI}K",
        comments=f"Called back{BIDI}\nagain",
        actions=(f"Advised{BIDI}",),
    )
    text = note.chart_note(tampered, result, contacts, written_at=WRITTEN, details=call)
    assert all(line.isprintable() for line in text.split("\n")), [c for c in text if not c.isprintable()]
    assert "Patient reference: MRN" in text and "Safety net: Keep checking." in text
