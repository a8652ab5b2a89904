"""The review sheet (page and `rules show`), `rules diff`, and rule coverage in `rules test`."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage import SHIPPED_RULES, cases, review, rules
from triage.cli import rules_group

MINI = """\
version: "mini-1"
languages: [en]
levels:
  emergency: {heading: {en: Emergency}, action: {en: "Call {emergency_number} now."}}
  urgent: {heading: {en: Urgent}, action: {en: "Call {care_team} now."}}
  soon: {heading: {en: Soon}, action: {en: "Call {care_team} within 24 hours."}}
  none: {heading: {en: No warning signs}, action: {en: "Keep checking."}}
categories:
  site_infection: {en: Site infection}
  csf_infection: {en: Meningitis}
questions:
  - id: days_since_surgery
    type: number
    min: 0
    max: 3650
    text: {en: "Days since surgery?"}
  - id: fever
    text: {en: "Fever?"}
    options:
      - {value: no, label: {en: "No"}}
      - {value: yes, label: {en: "Yes, 38 C or more"}}
  - id: redness
    text: {en: "Redness?"}
    options:
      - {value: none, label: {en: "None"}}
      - {value: edge, label: {en: "Thin line"}}
      - {value: spreading, label: {en: "Spreading"}}
rules:
  - id: fever-spreading
    category: site_infection
    level: urgent
    when:
      all:
        - {question: fever, is: yes}
        - {question: redness, is: spreading}
    title: {en: Fever and spreading redness}
    advice: {en: Could be an infection.}
    source: test source A
  - id: early-fever
    category: site_infection
    level: soon
    when:
      all:
        - {question: fever, is: yes}
        - not: {question: days_since_surgery, above: 90}
        - any:
            - {question: redness, is: [spreading, edge]}
            - not: {question: redness, is: none}
    title: {en: Early fever}
    advice: {en: Call.}
    source: test source B
"""


@pytest.fixture
def mini(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINI, encoding="utf-8")
    return rules.load(path)


def test_a_rule_reads_as_a_sentence_with_the_patients_words(mini):
    rule = next(r for r in mini.rules if r.id == "fever-spreading")
    assert (
        review.rule_sentence(rule, mini)
        == 'If fever is "Yes, 38 C or more" and redness is "Spreading" -> URGENT, Site infection.'
    )
    assert review.rule_sentence(rule, mini, arrow="→").endswith('"Spreading" → URGENT, Site infection.')


def test_nested_conditions_are_grouped_and_unknown_numbers_are_said(mini):
    rule = next(r for r in mini.rules if r.id == "early-fever")
    # Options are named in the question's order (edge before spreading), not the file's.
    assert review.rule_sentence(rule, mini) == (
        'If fever is "Yes, 38 C or more" and (days since surgery is at most 90 or not known) and '
        '((redness is "Thin line" or "Spreading") or redness is not "None") -> SOON, Site infection.'
    )


def test_every_shipped_rule_gets_a_sentence_without_raw_option_values(ruleset):
    for rule in ruleset.rules:
        sentence = review.rule_sentence(rule, ruleset)
        assert sentence.startswith("If ") and f"-> {rule.level.id.upper()}, " in sentence
        assert "slow_or_shallow" not in sentence  # labels, not values


def test_sheet_text_groups_by_category_with_version_and_sign_off(ruleset):
    text = review.sheet_text(ruleset)
    assert f"version {ruleset.version} (digest {ruleset.digest})" in text
    for rule in ruleset.rules:
        assert text.count(f"] {rule.id}: ") == 1
    headers = re.findall(r"^== .* \((\w+)\): \d+ rules$", text, re.M)
    assert headers == list(ruleset.categories)
    for line in ("Reviewer's name:", "Signature:", "Date:"):
        assert line in text
    # Within a category, the most urgent rules come first.
    for group in review.grouped_rules(ruleset):
        levels = [rule.level for rule in group.rules]
        assert levels == sorted(levels, reverse=True)


def test_rules_show_prints_the_sheet():
    result = CliRunner().invoke(rules_group, ["show", str(SHIPPED_RULES)])
    assert result.exit_code == 0, result.output
    assert "If breathing is " in result.output and "Source: " in result.output
    assert "Signature:" in result.output


def test_the_review_page_shows_every_rule_grouped_and_a_place_to_sign(client, ruleset):
    response = client.get("/rules")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ruleset.version in page and ruleset.digest in page
    for rule in ruleset.rules:
        assert f'id="rule-{rule.id}"' in page
    assert page.count('class="sheet-group"') == len(ruleset.categories)
    for words in ("Reviewer's name", "Signature", "Date"):
        assert page.count(f"<dt>{words}</dt>") == 1  # one signature block, at the end
    assert page.index('id="sign-off-title"') > max(page.index(f'id="rule-{r.id}"') for r in ruleset.rules)


# ---------------------------------------------------------------- diff


def _edited_copy(tmp_path: Path) -> Path:
    """Copy the shipped file and edit it: lower one level, add a rule, remove one, relabel."""
    text = SHIPPED_RULES.read_text(encoding="utf-8")
    text = text.replace('version: "', 'version: "edited-', 1)
    lowered = "  - id: site-spreading-redness\n    category: site_infection\n    level: urgent"
    assert lowered in text
    text = text.replace(lowered, lowered.replace("level: urgent", "level: soon"))
    removed = re.search(r"  - id: nerve-numbness\n(    .*\n|\n)*", text)
    text = text.replace(removed.group(0), "")
    text = text.replace('label: {en: "Slow or shallow",', 'label: {en: "Slow, or shallow",')
    text += (
        "\n  - id: site-mild-swelling\n    category: site_infection\n    level: soon\n"
        "    when: {question: swelling, is: mild}\n    title:\n      en: Some swelling\n"
        "      es: Algo de hinchazón\n    advice:\n      en: Mention it to the care team.\n"
        "      es: Dígaselo a su equipo médico.\n    source: test edit\n"
    )
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CASES = """\
- name: spreading redness alone
  answers: {redness: spreading}
  level: urgent
  categories: [site_infection]
- name: numb skin only
  answers: {numbness: yes}
  level: soon
  categories: [nerve_injury]
- name: mild swelling only
  answers: {swelling: mild}
  level: none
  categories: []
- name: fever with stiff neck
  answers: {fever: yes, neck_pain: stiff}
  level: emergency
  categories: [csf_infection, site_infection]
"""


@pytest.fixture
def case_dir(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "some.yaml").write_text(CASES, encoding="utf-8")
    return folder


def test_diff_of_an_edited_copy_names_every_change_and_each_case_that_moves(tmp_path, case_dir, ruleset):
    edited = rules.load(_edited_copy(tmp_path))
    found = review.diff(ruleset, edited, cases.load_cases([case_dir]))
    assert [r.id for r in found.rules_added] == ["site-mild-swelling"]
    assert [r.id for r in found.rules_removed] == ["nerve-numbness"]
    assert [(old.id, names) for old, _, names in found.rules_changed] == [
        ("site-spreading-redness", ("level",))
    ]
    assert found.questions_changed == (("breathing", ("option 'slow_or_shallow' label changed",)),)
    moved = {change.case.name: (change.old, change.new) for change in found.case_changes}
    assert moved == {
        "spreading redness alone": ("URGENT [site_infection]", "SOON [site_infection]"),
        "numb skin only": ("SOON [nerve_injury]", "NONE []"),
        "mild swelling only": ("NONE []", "SOON [site_infection]"),
    }
    assert found.cases_run == 4


def test_rules_diff_command_prints_the_changes_and_the_case_effects(tmp_path, case_dir):
    edited = _edited_copy(tmp_path)
    result = CliRunner().invoke(
        rules_group, ["diff", str(SHIPPED_RULES), str(edited), "--cases", str(case_dir)]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Rules added (1):\n  + site-mild-swelling [SOON]: If swelling is " in out
    assert "Rules removed (1):\n  - nerve-numbness [SOON]" in out
    assert "Rules changed (1):\n  ~ site-spreading-redness: level changed\n      level: URGENT -> SOON" in out
    assert "breathing: option 'slow_or_shallow' label changed" in out
    assert "Example cases run under both files: 4; 3 change level or categories." in out
    assert "spreading redness alone (" in out and "URGENT [site_infection] -> SOON [site_infection]" in out
    assert "fever with stiff neck" not in out


def test_diff_of_a_file_with_itself_says_nothing_changed(case_dir):
    result = CliRunner().invoke(
        rules_group, ["diff", str(SHIPPED_RULES), str(SHIPPED_RULES), "--cases", str(case_dir)]
    )
    assert result.exit_code == 0
    assert "No differences in rules, questions or example-case results." in result.output


def test_diff_warns_when_the_version_was_not_changed(tmp_path, ruleset):
    text = SHIPPED_RULES.read_text(encoding="utf-8").replace(
        "Slow or shallow breathing can mean", "Slow or shallow breathing may mean"
    )
    path = tmp_path / "same-version.yaml"
    path.write_text(text, encoding="utf-8")
    found = review.diff(ruleset, rules.load(path))
    assert [(old.id, names) for old, _, names in found.rules_changed] == [("overdose-breathing", ("advice",))]
    assert any("version is still" in text for text in found.other_changes)


def test_a_removed_option_makes_a_case_unrunnable_and_says_so(tmp_path, ruleset):
    text = SHIPPED_RULES.read_text(encoding="utf-8")
    removed = (
        '      - value: mild\n        label: {en: "A little swelling that is not growing", '
        'es: "Un poco de hinchazón que no crece"}\n'
    )
    assert removed in text
    text = text.replace(removed, "")
    path = tmp_path / "no-mild-swelling.yaml"
    path.write_text(text, encoding="utf-8")
    case_file = tmp_path / "c.yaml"
    case_file.write_text(
        "- name: mild swelling\n  answers: {swelling: mild}\n  level: none\n  categories: []\n",
        encoding="utf-8",
    )
    found = review.diff(ruleset, rules.load(path), cases.load_cases([case_file]))
    assert found.questions_changed == (("swelling", ("option 'mild' removed",)),)
    (change,) = found.case_changes
    assert change.old == "NONE []" and change.new.startswith("cannot run: swelling")


def test_diff_refuses_a_broken_new_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    shutil.copy(SHIPPED_RULES, broken)
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("level: urgent", "level: urgnet", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(rules_group, ["diff", str(SHIPPED_RULES), str(broken)])
    assert result.exit_code == 1
    assert "urgnet" in result.output


def test_diff_runs_the_shipped_example_cases_by_default(tmp_path):
    folder = Path(__file__).parent / "cases"
    if not folder.is_dir() or not cases.case_files([folder]):
        pytest.skip("no example cases shipped yet")
    shipped = cases.case_files([folder])
    result = CliRunner().invoke(rules_group, ["diff", str(SHIPPED_RULES), str(_edited_copy(tmp_path))])
    assert result.exit_code == 0, result.output
    count = len(cases.load_cases(shipped))
    assert f"Example cases run under both files: {count};" in result.output


# ---------------------------------------------------------------- coverage


def test_rules_test_reports_each_rule_no_case_makes_fire(case_dir, ruleset):
    result = CliRunner().invoke(rules_group, ["test", str(case_dir), "--rules", str(SHIPPED_RULES)])
    assert result.exit_code == 0, result.output
    uncovered = set(re.findall(r"no case makes rule '([\w-]+)' fire", result.output))
    fired = {
        "site-spreading-redness",
        "nerve-numbness",
        "csf-fever-stiff-neck",
        "site-fever-first-90-days",
        "csf-stiff-neck",
        "csf-fever-with-headache-or-neck-pain",
    }
    assert uncovered == {rule.id for rule in ruleset.rules} - fired


def test_every_section_a_rule_cites_is_an_anchor_on_the_basis_page(client, ruleset):
    """The sheet links `docs/clinical-basis.md#x` to /rules/basis#x: each x must be a heading id."""
    import re

    page = client.get("/rules/basis").get_data(as_text=True)
    ids = set(re.findall(r'<h[1-6] id="([^"]+)"', page))
    cited = {
        anchor
        for rule in ruleset.rules
        for anchor in re.findall(r"clinical-basis\.md#([A-Za-z0-9_-]+)", rule.source)
    }
    assert cited and cited <= ids, sorted(cited - ids)
    assert "&lt;a id=" not in page
