"""`nurse_action` in a rule file's levels: what the nurse does at each level on a call."""

from pathlib import Path

import pytest
from helpers import SMALL_RULES

from triage import rules
from triage.engine.model import Level
from triage.rules.yamlfile import FileProblems


def with_urgent_line(tmp_path, key: str, words: str) -> tuple[Path, int]:
    """Write the tests' small rule file with `key: words` added to its `urgent` level, whatever
    that level's other words are; return the file and the line the key is written on."""
    lines = SMALL_RULES.read_text(encoding="utf-8").splitlines(keepends=True)
    urgent = lines.index("  urgent:\n", lines.index("levels:\n"))  # a ValueError if it moved
    lines.insert(urgent + 1, f"    {key}: {words}\n")
    path = tmp_path / "rules.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path, urgent + 2  # lines count from 1, and the key is the one after `urgent:`


def with_nurse_action(tmp_path, words: str) -> tuple[Path, int]:
    return with_urgent_line(tmp_path, "nurse_action", words)


def others(ruleset) -> list[Level]:
    """The levels of a rule set other than URGENT."""
    return [level for level in ruleset.levels if level != Level.URGENT]


def test_the_shipped_rules_give_a_nurse_action_for_every_level_in_every_language(ruleset):
    for level in Level:
        nurse_action = ruleset.levels[level].nurse_action
        assert nurse_action is not None, f"{level.id} has no nurse_action"
        assert set(nurse_action) == set(ruleset.languages)
        assert nurse_action["en"] != ruleset.levels[level].action["en"]


def test_a_nurse_action_is_loaded_for_its_level_only(tmp_path):
    path, _ = with_nurse_action(tmp_path, '{en: "Escalate to {care_team} on-call."}')
    ruleset = rules.load(path)
    assert ruleset.levels[Level.URGENT].nurse_action["en"] == "Escalate to {care_team} on-call."
    assert others(ruleset) and all(ruleset.levels[level].nurse_action is None for level in others(ruleset))
    assert rules.load(SMALL_RULES).levels[Level.URGENT].nurse_action is None  # optional: call mode says so


@pytest.mark.parametrize(
    "words, message",
    [
        ('{en: "Escalate to {on_call}."}', "'{on_call}' is not a known placeholder"),
        ('{en: "Escalate.", es: "Avise."}', "language es is not declared"),
        ("Escalate now.", "nurse_action"),
    ],
)
def test_a_bad_nurse_action_stops_the_file_with_its_line(tmp_path, words, message):
    path, line = with_nurse_action(tmp_path, words)
    with pytest.raises(FileProblems) as problems:
        rules.load(path)
    text = str(problems.value)
    assert message in text and f"{path}:{line}" in text


# `say`: the line the nurse reads to the patient at each level (issue 24, findings M4, M5) ----


def with_say(tmp_path, words: str) -> tuple[Path, int]:
    return with_urgent_line(tmp_path, "say", words)


def test_the_shipped_rules_give_a_call_line_for_every_level_in_every_language(ruleset):
    for level in Level:
        say = ruleset.levels[level].say
        assert say is not None, f"{level.id} has no `say` line for call mode"
        assert set(say) == set(ruleset.languages)
        assert say["en"] != ruleset.levels[level].action["en"]  # the patient's action is not said


def test_a_call_line_is_loaded_for_its_level_only(tmp_path):
    path, _ = with_say(tmp_path, '{en: "We will call you back today at {care_team_phone}."}')
    ruleset = rules.load(path)
    assert ruleset.levels[Level.URGENT].say["en"] == "We will call you back today at {care_team_phone}."
    assert others(ruleset) and all(ruleset.levels[level].say is None for level in others(ruleset))
    assert rules.load(SMALL_RULES).levels[Level.URGENT].say is None  # optional: no level line read


@pytest.mark.parametrize(
    "words, message",
    [
        ('{en: "Call {on_call}."}', "'{on_call}' is not a known placeholder"),
        ('{en: "Call us.", es: "Llámenos."}', "language es is not declared"),
        ("Call us.", "say"),
    ],
)
def test_a_bad_call_line_stops_the_file_with_its_line(tmp_path, words, message):
    path, line = with_say(tmp_path, words)
    with pytest.raises(FileProblems) as problems:
        rules.load(path)
    text = str(problems.value)
    assert message in text and f"{path}:{line}" in text
