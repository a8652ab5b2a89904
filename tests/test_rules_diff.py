"""`flask rules diff OLD NEW` on rule files of its own (English and Spanish): every change with
its old and new words in each language, level and red-flag changes as "urgent → soon", and the
example cases whose result moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from triage import rules
from triage.cli import rules_group
from triage.rules import cases
from triage.rules import diff as rules_diff

OLD = """\
version: "diff-1"
languages: [en, es]
levels:
  emergency:
    heading: {en: Emergency, es: Emergencia}
    action: {en: "Call {emergency_number} now.", es: "Llame al {emergency_number} ahora."}
  urgent:
    heading: {en: Urgent, es: Urgente}
    action: {en: "Call {care_team} now.", es: "Llame a {care_team} ahora."}
  soon:
    heading: {en: Soon, es: Pronto}
    action: {en: "Call {care_team} today.", es: "Llame a {care_team} hoy."}
  none:
    heading: {en: No warning signs, es: Sin señales}
    action: {en: "Keep checking.", es: "Siga revisando."}
categories:
  site_infection: {en: Site infection, es: Infección de la herida}
  pump_problem: {en: Pump problem, es: Problema de la bomba}
questions:
  - id: redness
    text: {en: "Is the skin red?", es: "¿Está roja la piel?"}
    options:
      - {value: none, label: {en: "No", es: "No"}}
      - {value: edge, label: {en: "A thin line", es: "Una línea fina"}}
      - {value: spreading, label: {en: "Spreading", es: "Se extiende"}, red_flag: urgent}
  - id: pump_alarm
    text: {en: "Has the pump alarmed?", es: "¿Sonó la alarma de la bomba?"}
    options:
      - {value: no, label: {en: "No", es: "No"}}
      - {value: yes, label: {en: "Yes", es: "Sí"}, red_flag: urgent}
rules:
  - id: spreading-redness
    category: site_infection
    level: urgent
    when: {question: redness, is: spreading}
    title: {en: Spreading redness, es: Enrojecimiento que se extiende}
    advice: {en: It can be an infection., es: Puede ser una infección.}
    source: test
  - id: pump-alarm
    category: pump_problem
    level: urgent
    when: {question: pump_alarm, is: yes}
    title: {en: The pump alarmed, es: Sonó la alarma}
    advice: {en: Call now., es: Llame ahora.}
    source: test
"""

CHEST_QUESTION = """\
  - id: chest_pain
    text: {en: "Chest pain?", es: "¿Dolor de pecho?"}
    options:
      - {value: no, label: {en: "No", es: "No"}}
      - {value: yes, label: {en: "Yes", es: "Sí"}, red_flag: emergency}
"""
CHEST_RULE = """\
  - id: chest-pain
    category: chest_pain
    level: emergency
    when: {question: chest_pain, is: yes}
    title: {en: Chest pain, es: Dolor de pecho}
    advice: {en: Call now., es: Llame ahora.}
    source: test
"""


def edited(text: str) -> str:
    """The three edits of issue 17, on this file: advice, alarm to soon, a new question."""
    text = text.replace('version: "diff-1"', 'version: "diff-2"')
    text = text.replace(
        "advice: {en: It can be an infection., es: Puede ser una infección.}",
        "advice: {en: It may be an infection., es: Puede ser una infección de la herida.}",
    )
    text = text.replace(
        "level: urgent\n    when: {question: pump_alarm", "level: soon\n    when: {question: pump_alarm"
    )
    text = text.replace(
        'label: {en: "Yes", es: "Sí"}, red_flag: urgent}', 'label: {en: "Yes", es: "Sí"}, red_flag: soon}'
    )
    text = text.replace(
        "  pump_problem:", "  chest_pain: {en: Chest pain, es: Dolor de pecho}\n  pump_problem:"
    )
    text = text.replace("rules:\n", CHEST_QUESTION + "rules:\n" + CHEST_RULE)
    return text


CASES = """\
- name: an alarm alone
  answers: {pump_alarm: yes}
  level: urgent
  categories: [pump_problem]
- name: spreading redness
  answers: {redness: spreading}
  level: urgent
  categories: [site_infection]
"""


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path, Path]:
    old, new, case_file = tmp_path / "old.yaml", tmp_path / "new.yaml", tmp_path / "cases.yaml"
    old.write_text(OLD, "utf-8")
    new.write_text(edited(OLD), "utf-8")
    case_file.write_text(CASES, "utf-8")
    return old, new, case_file


def diff_output(*args: str):
    return CliRunner().invoke(rules_group, ["diff", *args])


def test_the_diff_names_every_change_and_each_case_that_moves(files):
    old, new, case_file = files
    found = rules_diff.diff(rules.load(old), rules.load(new), cases.load_cases([case_file]))
    assert [r.id for r in found.rules_added] == ["chest-pain"]
    assert found.rules_removed == ()
    assert [(r.id, names) for r, _, names in found.rules_changed] == [
        ("spreading-redness", ("advice",)),
        ("pump-alarm", ("level",)),
    ]
    assert found.questions_added == ("chest_pain",)
    assert found.questions_changed == (("pump_alarm", ("option 'yes' red flag changed",)),)
    assert [(c.case.name, c.old, c.new) for c in found.case_changes] == [
        ("an alarm alone", "URGENT [pump_problem]", "SOON [pump_problem]")
    ]


def test_the_command_shows_old_and_new_words_in_every_language(files):
    old, new, case_file = files
    result = diff_output(str(old), str(new), "--cases", str(case_file))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "  ~ spreading-redness: advice changed\n" in out
    assert (
        "      advice [en] old: It can be an infection.\n      advice [en] new: It may be an infection.\n"
        in out
    )
    assert (
        "      advice [es] old: Puede ser una infección.\n"
        "      advice [es] new: Puede ser una infección de la herida.\n"
    ) in out
    assert "  ~ pump-alarm: level changed\n      level: urgent → soon\n" in out
    assert (
        "  ~ pump_alarm: option 'yes' red flag changed\n      option 'yes' red flag: urgent → soon\n" in out
    )
    assert "  + chest_pain\n      text [en]: Chest pain?\n      text [es]: ¿Dolor de pecho?\n" in out
    assert "      option 'yes' [es]: Sí  (red flag: emergency)\n" in out
    assert "  * category 'chest_pain' added: [en] Chest pain; [es] Dolor de pecho\n" in out
    assert "an alarm alone (" in out and "URGENT [pump_problem] → SOON [pump_problem]" in out
    assert "spreading redness (" not in out  # its result does not move


def test_a_relabelled_option_and_a_reworded_question_show_both_wordings(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(OLD, "utf-8")
    new.write_text(
        OLD.replace(
            '{en: "Spreading", es: "Se extiende"}', '{en: "Spreading wider", es: "Se extiende"}'
        ).replace('"¿Sonó la alarma de la bomba?"', '"¿Ha sonado la alarma?"'),
        "utf-8",
    )
    (tmp_path / "cases.yaml").write_text(CASES, "utf-8")
    out = diff_output(str(old), str(new), "--cases", str(tmp_path / "cases.yaml")).output
    assert "      option 'spreading' label [en] old: Spreading\n" in out
    assert "      option 'spreading' label [en] new: Spreading wider\n" in out
    assert "option 'spreading' label [es]" not in out  # unchanged words are not repeated
    assert (
        "      text [es] old: ¿Sonó la alarma de la bomba?\n      text [es] new: ¿Ha sonado la alarma?\n"
        in out
    )
    assert "the version is still diff-1" in out


def test_a_file_against_itself_has_no_differences(files):
    old, _, case_file = files
    result = diff_output(str(old), str(old), "--cases", str(case_file))
    assert result.exit_code == 0
    assert "No differences in rules, questions or example-case results." in result.output


def test_a_removed_option_makes_a_case_unrunnable_and_says_so(files, tmp_path):
    old, _, case_file = files
    new = tmp_path / "no-spreading.yaml"
    new.write_text(
        OLD.replace(
            '      - {value: spreading, label: {en: "Spreading", es: "Se extiende"}, red_flag: urgent}\n', ""
        )
        .replace("when: {question: redness, is: spreading}", "when: {question: redness, is: none}")
        .replace('version: "diff-1"', 'version: "diff-3"'),
        "utf-8",
    )
    found = rules_diff.diff(rules.load(old), rules.load(new), cases.load_cases([case_file]))
    assert found.questions_changed[0] == ("redness", ("option 'spreading' removed",))
    change = next(c for c in found.case_changes if c.case.name == "spreading redness")
    assert change.old == "URGENT [site_infection]"
    assert change.new == "cannot run: redness: 'spreading' is not an allowed answer; use one of: none, edge"


def test_a_sign_that_answers_something_else_is_shown_with_both_answers(ruleset):
    """What a ticked sign answers is clinical content: the diff shows it like a changed answer."""
    import dataclasses

    from triage.rules.diff_pages import page_changes

    step = next(step for step in ruleset.steps if any(sign.sets for sign in step.signs))
    area = next(area for area in step.areas if any(sign.sets for sign in area.signs))
    sign = next(sign for sign in area.signs if sign.sets)
    question, answer = sign.sets[0]
    other = next(v for v in ruleset.question(question).values if v != answer)
    moved = dataclasses.replace(sign, sets=((question, other), *sign.sets[1:]))
    new_area = dataclasses.replace(area, signs=tuple(moved if s is sign else s for s in area.signs))
    new_step = dataclasses.replace(step, areas=tuple(new_area if a is area else a for a in step.areas))
    edited = dataclasses.replace(ruleset, steps=tuple(new_step if s is step else s for s in ruleset.steps))
    lines = page_changes(ruleset, edited)
    assert lines[0] == f"sign '{sign.id}' of checklist '{area.id}' changed"
    assert f"{question}: {answer}" in lines[1] and f"→ {question}: {other}" in lines[1]
    assert page_changes(ruleset, ruleset) == []
