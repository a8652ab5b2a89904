"""`nurse_action` in a rule file's levels: what the nurse does at each level on a call."""

from pathlib import Path

import pytest

from triage import rules
from triage.engine.model import Level
from triage.rules.yamlfile import FileProblems

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"


def with_nurse_action(tmp_path, words: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        '    action: {en: "Call {care_team} now on {care_team_phone}."}\n',
        f'    action: {{en: "Call {{care_team}} now on {{care_team_phone}}."}}\n    nurse_action: {words}\n',
        1,
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_give_a_nurse_action_for_every_level_in_every_language(ruleset):
    for level in Level:
        nurse_action = ruleset.levels[level].nurse_action
        assert nurse_action is not None, f"{level.id} has no nurse_action"
        assert set(nurse_action) == set(ruleset.languages)
        assert nurse_action["en"] != ruleset.levels[level].action["en"]


def test_a_nurse_action_is_loaded_for_its_level_only(tmp_path):
    ruleset = rules.load(with_nurse_action(tmp_path, '{en: "Escalate to {care_team} on-call."}'))
    assert ruleset.levels[Level.URGENT].nurse_action["en"] == "Escalate to {care_team} on-call."
    assert ruleset.levels[Level.SOON].nurse_action is None  # optional: call mode says so


@pytest.mark.parametrize(
    "words, message",
    [
        ('{en: "Escalate to {on_call}."}', "'{on_call}' is not a known placeholder"),
        ('{en: "Escalate.", es: "Avise."}', "language es is not declared"),
        ("Escalate now.", "nurse_action"),
    ],
)
def test_a_bad_nurse_action_stops_the_file_with_its_line(tmp_path, words, message):
    path = with_nurse_action(tmp_path, words)
    with pytest.raises(FileProblems) as problems:
        rules.load(path)
    text = str(problems.value)
    assert message in text and f"{path}:12" in text


# `say`: the line the nurse reads to the patient at each level (issue 24, findings M4, M5) ----


def with_say(tmp_path, words: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        '    action: {en: "Call {care_team} now on {care_team_phone}."}\n',
        f'    action: {{en: "Call {{care_team}} now on {{care_team_phone}}."}}\n    say: {words}\n',
        1,
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_give_a_call_line_for_every_level_in_every_language(ruleset):
    for level in Level:
        say = ruleset.levels[level].say
        assert say is not None, f"{level.id} has no `say` line for call mode"
        assert set(say) == set(ruleset.languages)
        assert say["en"] != ruleset.levels[level].action["en"]  # the patient's action is not said


def test_a_call_line_is_loaded_for_its_level_only(tmp_path):
    ruleset = rules.load(with_say(tmp_path, '{en: "We will call you back today at {care_team_phone}."}'))
    assert ruleset.levels[Level.URGENT].say["en"] == "We will call you back today at {care_team_phone}."
    assert ruleset.levels[Level.SOON].say is None  # optional: call mode then reads no level line


@pytest.mark.parametrize(
    "words, message",
    [
        ('{en: "Call {on_call}."}', "'{on_call}' is not a known placeholder"),
        ('{en: "Call us.", es: "Llámenos."}', "language es is not declared"),
        ("Call us.", "say"),
    ],
)
def test_a_bad_call_line_stops_the_file_with_its_line(tmp_path, words, message):
    path = with_say(tmp_path, words)
    with pytest.raises(FileProblems) as problems:
        rules.load(path)
    text = str(problems.value)
    assert message in text and f"{path}:12" in text
