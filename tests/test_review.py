"""The review sheet (page and `rules show`), `rules diff`, and rule coverage in `rules test`."""

import re

import pytest
from click.testing import CliRunner

from triage import rules
from triage.cli import rules_group
from triage.rules import cases, review

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
        raw = {o.value for q in ruleset.questions for o in q.options if "_" in o.value}
        assert not [value for value in raw if f'"{value}"' in sentence]  # labels, not values


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


def test_rules_show_prints_the_sheet(ruleset):
    result = CliRunner().invoke(rules_group, ["show", ruleset.file])
    assert result.exit_code == 0, result.output
    first = ruleset.rules[0]
    assert f"] {first.id}: {first.title['en']}\n    If " in result.output and "Source: " in result.output
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


# ---------------------------------------------------------------- diff: tests/test_rules_diff.py


# ---------------------------------------------------------------- coverage


def test_rules_test_reports_each_rule_no_case_makes_fire(tmp_path, mini):
    case_file = tmp_path / "some.yaml"
    case_file.write_text(
        "- name: fever and spreading redness\n"
        "  answers: {days_since_surgery: 200, fever: yes, redness: spreading}\n"
        "  level: urgent\n  categories: [site_infection]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(rules_group, ["test", str(case_file), "--rules", mini.file])
    assert result.exit_code == 0, result.output
    fired = {o.rules for o in [cases.run_case(mini, c) for c in cases.load_cases([case_file])]}
    uncovered = set(re.findall(r"no case makes rule '([\w-]+)' fire", result.output))
    assert uncovered == {rule.id for rule in mini.rules} - set().union(*fired) != set()


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
