"""tests/edited_rules/make_edited.py places each edit where the loaded rules say, or says why not.

`make test` runs it on the shipped rules (make edited-rules) and `rules verify` on what it
writes; here each edit meets a small rule file of another shape.
"""

from __future__ import annotations

import pytest
from edited_rules import make_edited
from helpers import SMALL_RULES

from triage import rules
from triage.engine.model import Level, RuleSet
from triage.rules import yamlfile


def edited(tmp_path, *edits) -> RuleSet:
    """Make `edits` on the small file and load the result."""
    ruleset = rules.load(SMALL_RULES)
    _, lines = yamlfile.load(SMALL_RULES)
    file = make_edited.Edits(SMALL_RULES.read_text("utf-8"))
    for edit in edits:
        edit(ruleset, lines, file)
    path = tmp_path / "rules.yaml"
    path.write_text(file.text(), "utf-8")
    return rules.load(path)


def test_the_urgent_rule_that_is_one_answer_is_lowered(tmp_path):
    before = rules.load(SMALL_RULES)
    assert [rule.level for rule in before.rules] == [Level.URGENT, Level.URGENT]
    after = edited(tmp_path, make_edited.lower)
    # fever-early reads two answers; spreading-redness is one answer to one question
    assert [(rule.id, rule.level) for rule in after.rules] == [
        ("fever-early", Level.URGENT),
        ("spreading-redness", Level.SOON),
    ]


def test_a_question_with_its_rule_is_added_in_the_files_languages(tmp_path):
    said = []
    data, _ = yamlfile.load(SMALL_RULES)

    def add(ruleset, lines, file):
        said.append(make_edited.add_question(ruleset, data, lines, file, {"fever"}))

    after = edited(tmp_path, add)
    [(what, case_file, cases)] = said
    question = after.question("chest_pain")
    assert question.values == ("no", "yes") and question.option("yes").red_flag == Level.EMERGENCY
    assert set(question.text) == {"en"}  # the small file speaks English only
    rule = next(rule for rule in after.rules if rule.id == "chest-pain")
    assert rule.level == Level.EMERGENCY and rule.source.startswith("docs/clinical-basis.md#fever")
    assert case_file == "chest_pain.yaml" and "level: emergency" in cases and "level: none" in cases


def test_an_edit_with_no_place_says_why(tmp_path):
    with pytest.raises(make_edited.Missing, match=r"no rule's advice is a folded block"):
        edited(tmp_path, make_edited.reword)  # the small file writes its advice as {en: ...}


def test_no_urgent_rule_of_one_answer_says_why(tmp_path):
    text = SMALL_RULES.read_text("utf-8").replace(
        "level: urgent\n    when: {question: redness", "level: soon\n    when: {question: redness"
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    ruleset = rules.load(path)
    _, lines = yamlfile.load(path)
    with pytest.raises(make_edited.Missing, match="no urgent rule is one answer to one question"):
        make_edited.lower(ruleset, lines, make_edited.Edits(text))
