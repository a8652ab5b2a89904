"""Review digests: the sheet marks each rule whose content changed since its recorded review."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TEST_CONFIG

from triage import create_app, rules
from triage.cli import rules_group
from triage.rules import review, review_digest

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
REVIEW = 'review: {by: Dr Test, on: "2026-01-15", next_due: "2027-01-15"}'


def with_digests(text: str, path: Path) -> str:
    """Return `text` with each reviewed rule's current digest recorded in its review."""
    path.write_text(text, "utf-8")
    digests = review_digest.current_digests(rules.load(path))
    assert text.count(REVIEW) == 1, "the minimal file reviews its first rule"
    return text.replace(REVIEW, REVIEW[:-1] + f", digest: {digests['fever-early']}}}")


@pytest.fixture
def recorded(tmp_path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(with_digests(MINIMAL.read_text("utf-8"), path), "utf-8")
    return path


def test_a_rule_as_reviewed_is_not_marked(recorded):
    ruleset = rules.load(recorded)
    assert ruleset.rules[0].review.digest
    assert review_digest.changed_since_review(ruleset) == []


def test_changed_advice_marks_the_rule_with_both_digests(recorded):
    recorded.write_text(
        recorded.read_text("utf-8").replace("A fever can be an infection.", "A fever may be an infection."),
        "utf-8",
    )
    ruleset = rules.load(recorded)
    [changed] = review_digest.changed_since_review(ruleset)
    assert changed.rule.id == "fever-early" and changed.recorded != changed.current
    sentence = changed.sentence(ruleset)
    assert (
        f"rule 'fever-early' ({recorded}:" in sentence
        and "changed since its review on 2026-01-15" in sentence
    )
    assert f"record `digest: {changed.current}`" in sentence
    text = review.sheet_text(ruleset)
    assert "CHANGED SINCE ITS REVIEW (1): fever-early." in text and "    CHANGED: rule 'fever-early'" in text


@pytest.mark.parametrize(
    "old, new",
    [
        ("level: urgent\n    when:\n      all:", "level: soon\n    when:\n      all:"),
        ("above: 90}", "above: 60}"),
        ("title: {en: Fever soon after surgery}", "title: {en: Fever after surgery}"),
    ],
)
def test_any_change_to_level_condition_or_words_marks_it(recorded, old, new):
    text = recorded.read_text("utf-8")
    assert text.count(old) == 1
    recorded.write_text(text.replace(old, new), "utf-8")
    assert [c.rule.id for c in review_digest.changed_since_review(rules.load(recorded))] == ["fever-early"]


def test_rewrapping_or_a_new_review_date_does_not_mark_it(recorded):
    text = recorded.read_text("utf-8")
    text = text.replace(
        "advice: {en: A fever can be an infection.}",
        "advice:\n      en: >-\n        A fever can be\n        an infection.",
    )
    text = text.replace('on: "2026-01-15"', 'on: "2026-02-01"')
    recorded.write_text(text, "utf-8")
    assert review_digest.changed_since_review(rules.load(recorded)) == []


def test_a_review_without_a_digest_is_marked_with_the_digest_to_record(tmp_path):
    ruleset = rules.load(MINIMAL)
    [changed] = review_digest.changed_since_review(ruleset)
    assert changed.recorded == "" and "records no digest" in changed.sentence(ruleset)
    assert "spreading-redness" not in changed.sentence(ruleset)  # no review at all: the date check says so


def test_the_review_page_marks_the_changed_rule_only(recorded):
    recorded.write_text(recorded.read_text("utf-8").replace("A fever can be", "A fever may be"), "utf-8")
    app = create_app({**TEST_CONFIG, "RULES_FILE": str(recorded)})
    page = app.test_client().get("/rules").get_data(as_text=True)
    marked = page[page.index('id="changed-since-review"') :]
    assert '<a href="#rule-fever-early"><code>fever-early</code></a>.' in marked[: marked.index("</p>")]
    assert page.count('class="sheet-changed"') == 1
    rule = page[page.index('id="rule-fever-early"') : page.index('id="rule-spreading-redness"')]
    assert "Changed since its review on 2026-01-15." in rule


def test_the_rules_under_test_are_marked_exactly_where_computed(client, ruleset):
    changed = review_digest.changed_since_review(ruleset)
    page = client.get("/rules").get_data(as_text=True)
    assert page.count('class="sheet-changed"') == len(changed)
    for item in changed:
        assert f'<a href="#rule-{item.rule.id}">' in page


def test_verify_warns_but_passes_on_a_changed_rule(recorded, tmp_path):
    recorded.write_text(recorded.read_text("utf-8").replace("A fever can be", "A fever may be"), "utf-8")
    case_dir = tmp_path / "tests" / "cases"
    case_dir.mkdir(parents=True)
    (case_dir / "c.yaml").write_text(
        "- name: early fever\n  answers: {days_since_surgery: 5, fever: yes}\n  level: urgent\n"
        "  categories: [site_infection]\n"
        "- name: late fever\n  answers: {days_since_surgery: 200, fever: yes, redness: none}\n"
        "  level: none\n  categories: []\n"
        "- name: spreading\n  answers: {redness: spreading}\n  level: urgent\n"
        "  categories: [site_infection]\n"
        "- name: thin line\n  answers: {redness: edge}\n  level: none\n  categories: []\n",
        "utf-8",
    )
    result = CliRunner().invoke(rules_group, ["verify", str(recorded)])
    assert result.exit_code == 0, result.output
    assert "Changed since review: ok (1 of 2 rules as reviewed" in result.output
    said = " ".join(result.output.split())
    assert "warning: rule 'fever-early'" in said and "changed since its review on 2026-01-15" in said
