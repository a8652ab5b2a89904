"""The chart note: complete, plain, and pasteable anywhere."""

from datetime import UTC, date, datetime

import pytest

from triage import engine, note
from triage.model import Level

CONTACTS = {"emergency_number": "911", "care_team": "the Pump Clinic",
            "care_team_phone": "555-0100", "after_hours_phone": "555-0199"}
WRITTEN = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)


def make_note(ruleset, answers, **kwargs):
    result = engine.evaluate(ruleset, answers)
    return result, note.chart_note(ruleset, result, CONTACTS, written_at=WRITTEN, **kwargs)


def test_the_note_has_when_who_the_level_and_the_rule_set(ruleset):
    _, text = make_note(ruleset, {"fever": "yes", "neck_pain": "stiff"},
                        reference="AB 1234", call_date=date(2026, 11, 25))
    assert "Patient reference: AB 1234\n" in text
    assert "Call date:         2026-11-25\n" in text
    assert "Note written:      2026-11-26 2:05 PM UTC\n" in text
    assert "Triage level:      EMERGENCY (" in text
    assert f"version {ruleset.version}, digest {ruleset.digest}" in text


def test_every_question_asked_is_in_the_note_with_its_answer_not_only_positives(ruleset):
    result, text = make_note(ruleset, {"days_since_surgery": 12, "redness": "edge"})
    flat = " ".join(text.split())  # undo the line wrapping
    for number, question in enumerate(ruleset.questions, start=1):
        answer = result.answers[question.id]
        assert f"{number}. {note.plain(question.ask.in_language('en'))}" in flat
        assert f"Answer: {note.plain(question.label_for(answer))}" in flat
    assert f"ANSWERS ({len(ruleset.questions)} questions asked, in the order asked)" in text
    positions = [flat.index(note.plain(q.ask.in_language("en"))) for q in ruleset.questions]
    assert positions == sorted(positions)


def test_each_warning_has_its_rule_id_level_and_advice(ruleset):
    result, text = make_note(ruleset, {"fever": "yes", "neck_pain": "stiff", "days_since_surgery": 12})
    flat = " ".join(text.split())
    assert len(result.warnings) >= 3
    for number, warning in enumerate(result.warnings, start=1):
        assert (f"{number}. {warning.level.id.upper()} - rule {warning.rule.id} - "
                f"{note.plain(warning.rule.title.in_language('en'))}") in flat
        assert f"- {note.plain(warning.rule.advice.in_language('en'))} ({warning.rule.id})" in flat
    action = ruleset.levels[Level.EMERGENCY].action.in_language("en").format(**CONTACTS)
    assert f"ADVICE GIVEN - {note.plain(action)}" in flat
    assert "Because: fever: Yes" in flat


def test_the_level_action_carries_the_clinics_numbers(ruleset):
    _, text = make_note(ruleset, {"pump_alarm": "yes"})
    flat = " ".join(text.split())
    assert "Triage level:      URGENT" in text
    assert "555-0100" in flat and "555-0199" in flat


def test_a_check_with_no_warnings_says_so_and_unknown_days_say_not_known(ruleset):
    _, text = make_note(ruleset, {})
    assert "Triage level:      NONE" in text
    assert "WARNINGS (0, most urgent first)\n    None: no answer matched a warning rule." in text
    days = ruleset.question_order["days_since_surgery"] + 1
    ask = note.plain(ruleset.question("days_since_surgery").ask["en"])
    assert f"{days}. {ask} Answer: not known " in " ".join(text.split())
    assert "Patient reference: (none given)" in text
    assert "Call date:         2026-11-26" in text  # the day the note was written


def test_the_note_is_plain_ascii_lines_that_fit(ruleset):
    _, text = make_note(ruleset, {"fever": "yes", "headache": "positional", "drainage": "clear",
                                  "neck_pain": "stiff", "itching": "yes", "pump_alarm": "yes"},
                        reference="Zoë “JD” O’Brien — 12")
    # Only letters may be non-ASCII (the typed name); every symbol is folded.
    assert all(ch.isascii() or ch.isalpha() for ch in text)
    assert "\t" not in text and "\r" not in text and "<" not in text
    assert max(len(line) for line in text.splitlines()) <= note.WIDTH
    assert "deg F" in text and "\u00b0" not in text  # the degree sign is folded, the words kept
    assert "Patient reference: Zoë \"JD\" O'Brien - 12\n" in text


@pytest.mark.parametrize("typed, kept", [
    ("AB\n1234", "AB 1234"),                     # no line injection into the note
    ("AB\r\nTriage level: NONE", "AB Triage level: NONE"),
    ("  x\x00y\x1b[31m  ", "xy[31m"),           # control characters dropped
    ("R" * 100, "R" * note.REFERENCE_MAX),
])
def test_the_reference_stays_on_one_short_line(typed, kept):
    assert note.clean_reference(typed) == kept


def test_a_reference_cannot_add_lines_to_the_note(ruleset):
    _, text = make_note(ruleset, {}, reference="AB\nTriage level:      NONE")
    levels = [line for line in text.splitlines() if line.startswith("Triage level:")]
    assert len(levels) == 1 and levels[0].startswith("Triage level:      NONE (")
    assert "Patient reference: AB Triage level: NONE\n" in text


@pytest.mark.parametrize("hour, minute, shown", [(0, 5, "12:05 AM"), (9, 30, "9:30 AM"),
                                                 (12, 0, "12:00 PM"), (23, 59, "11:59 PM")])
def test_the_note_tells_the_time_on_a_12_hour_clock(hour, minute, shown):
    written = datetime(2026, 11, 26, hour, minute, tzinfo=UTC)
    assert note._when(written) == f"2026-11-26 {shown} UTC"
