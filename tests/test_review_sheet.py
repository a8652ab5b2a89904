"""The review sheet a clinician signs: status once, all of / any of, each answer alone, sources."""

import re
from html import unescape

import pytest
from helpers import SMALL_RULES, TEST_CONFIG

from triage import create_app, engine
from triage.engine import conditions
from triage.nurse import review_sheet
from triage.nurse.sheet import render_markdown, slug
from triage.rules import review


def article(page: str, rule_id: str) -> str:
    start = page.index(f'<article class="sheet-rule" aria-labelledby="rule-{rule_id}">')
    return page[start : page.index("</article>", start)]


def test_the_review_status_is_said_once_not_once_per_rule(client, ruleset):
    page = client.get("/rules").get_data(as_text=True)
    status = review.review_status(ruleset)
    assert page.count('id="review-status"') == 1
    if status.common:
        assert unescape(page).count(status.common.by) == 1
    assert "Reviewed by" not in page  # a draft record must not read as a sign-off
    assert ("Draft: not signed off" in page) == status.draft


def test_a_draft_or_missing_review_makes_the_sheet_a_draft(ruleset):
    status = review.review_status(ruleset)
    expected = any(
        not r.review or "draft" in r.review.by.lower() or "awaiting" in r.review.by.lower()
        for r in ruleset.rules
    )
    assert status.draft == expected
    assert status.common_count + len(status.exceptions) + len(status.unreviewed) == len(ruleset.rules)


def test_compound_rules_read_as_all_of_and_any_of_lists(client, ruleset):
    page = client.get("/rules").get_data(as_text=True)
    compound = [
        r
        for r in ruleset.rules
        if isinstance(r.when, (conditions.AllOf, conditions.AnyOf)) and len(r.when.parts) > 1
    ]
    assert compound, "the shipped rules have compound rules to show"
    for rule in compound:
        shown = article(page, rule.id)
        kind = "All of:" if isinstance(rule.when, conditions.AllOf) else "Any of:"
        assert f'<span class="cond-kind">{kind}</span>' in shown
        assert shown.count("<li>") >= len(rule.when.parts)


def test_each_answer_alone_is_worked_out_by_the_engine_including_those_that_lead_nowhere(client, ruleset):
    page = client.get("/rules").get_data(as_text=True)
    table = page[page.index('<table class="answer-table">') : page.index("</table>")]
    bodies = table.split("<tbody>")[1:]
    assert len(bodies) == len(ruleset.questions)
    silent = 0
    for question, body in zip(ruleset.questions, bodies, strict=True):
        if question.number:
            continue
        for option in question.options:
            result = engine.evaluate(ruleset, {question.id: option.value})
            row = re.search(
                r'<th scope="row" class="answer-cell">'
                + re.escape(str(option.label.in_language("en")).replace("'", "&#39;").replace('"', "&#34;"))
                + r"</th>(.*?)</tr>",
                body,
                re.S,
            )
            assert row, f"no row for {question.id}={option.value}"
            cells = row.group(1)
            if not result.warnings:
                silent += 1
                assert "no warning" in cells
            else:
                assert f"tag--{result.level.id}" in cells
                for warning in result.warnings:
                    assert f'href="#rule-{warning.rule.id}"' in cells
    assert silent > 0  # the answers that lead to nothing are in the table too


def test_a_number_question_gets_a_row_per_range_its_rules_tell_apart(ruleset):
    for question, rows in review_sheet.answer_table(ruleset):
        if not question.number:
            continue
        assert rows[-1].answer == "not known"
        limits = {c.limit for rule in ruleset.rules for c in _compares(rule.when, question.id)}
        assert len(rows) - 1 == len({*review_sheet._cuts(_all(ruleset), question.id)}) + 1
        assert limits  # the shipped number question is used by a rule


def _compares(condition, question_id):
    if isinstance(condition, conditions.Compare):
        return [condition] if condition.question == question_id else []
    parts = getattr(condition, "parts", None) or ([condition.part] if hasattr(condition, "part") else [])
    return [c for part in parts for c in _compares(part, question_id)]


def _all(ruleset):
    return conditions.AnyOf(tuple(rule.when for rule in ruleset.rules))


def test_a_source_citing_the_clinical_basis_links_to_its_section(tmp_path):
    # The small rule file, its first source changed: a new copy of the shipped one is proved anew.
    text = SMALL_RULES.read_text(encoding="utf-8")
    first = re.search(r"\n    source: .*\n", text)
    text = text.replace(
        first.group(0),
        "\n    source: >-\n      docs/clinical-basis.md#baclofen-withdrawal"
        " (and docs/clinical-basis.md); FDA label.\n",
        1,
    )
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(text, encoding="utf-8")
    basis = tmp_path / "clinical-basis.md"
    basis.write_text(
        "# Clinical basis\n\n## Baclofen withdrawal\n\nText <script>x</script>.\n\n## Baclofen withdrawal\n",
        encoding="utf-8",
    )
    app = create_app(dict(TEST_CONFIG, RULES_FILE=str(rules_file), CLINICAL_BASIS_FILE=str(basis)))
    client = app.test_client()
    page = client.get("/rules").get_data(as_text=True)
    assert '<a href="/rules/basis#baclofen-withdrawal">docs/clinical-basis.md#baclofen-withdrawal</a>' in page
    assert '(and <a href="/rules/basis">docs/clinical-basis.md</a>); FDA label.' in page
    shown = client.get("/rules/basis").get_data(as_text=True)
    assert '<h2 id="baclofen-withdrawal">Baclofen withdrawal</h2>' in shown
    assert '<h2 id="baclofen-withdrawal-1">' in shown
    assert "<script>x" not in shown and "&lt;script&gt;" in shown  # raw HTML is never passed on


def test_without_the_clinical_basis_file_its_page_is_not_found(tmp_path):
    app = create_app(dict(TEST_CONFIG, CLINICAL_BASIS_FILE=str(tmp_path / "missing.md")))
    assert app.test_client().get("/rules/basis").status_code == 404


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("Baclofen withdrawal", "baclofen-withdrawal"),
        ("Pump alarms & refills", "pump-alarms--refills"),
        ("Urgency, summarised", "urgency-summarised"),
    ],
)
def test_section_anchors_are_made_as_github_makes_them(heading, anchor):
    assert slug(heading, {}) == anchor


def test_markdown_is_rendered_without_raw_html():
    assert "<b>" not in render_markdown("<b>bold</b>")


def test_the_sheet_prints_without_links_shouting_and_each_rule_whole(client):
    with client.get("/static/call.css") as response:
        css = response.get_data(as_text=True)
    printing = css[css.index("@media print") :]
    assert ".sheet-rule" in printing and "break-inside: avoid" in printing


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return unescape(page[start : page.index("</section>", start)])


def test_the_sheet_gives_every_level_question_answer_and_red_flag_in_every_language(client, ruleset):
    """What a medical director signs: the words patients and nurses see, in each language."""
    page = client.get("/rules").get_data(as_text=True)
    levels = _section(page, "levels-title")
    for words in ruleset.levels.values():
        texts = [words.heading, words.action, *words.while_you_wait]
        texts += [words.nurse_action] if words.nurse_action else []
        texts += [words.say] if words.say else []
        for text in texts:
            for language in ruleset.languages:
                assert f'<span lang="{language}">{text.in_language(language)}</span>' in levels
    questions = _section(page, "questions-title")
    for question in ruleset.questions:
        start = questions.index(f'id="question-{question.id}"')
        shown = questions[start : questions.index("</article>", start)]
        for language in ruleset.languages:
            assert f'<span lang="{language}">{question.text.in_language(language)}</span>' in shown
            for option in question.options:
                assert f'<span lang="{language}">{option.label.in_language(language)}</span>' in shown
        flagged = [o for o in question.options if o.red_flag]
        assert shown.count("Red flag: ") == len(flagged), question.id
        for option in flagged:
            assert f'<code>{option.value}</code> <span class="tag tag--{option.red_flag.id}">' in shown


def test_each_rule_gives_its_title_and_advice_in_every_language(client, ruleset):
    page = client.get("/rules").get_data(as_text=True)
    for rule in ruleset.rules:
        shown = unescape(article(page, rule.id))
        for language in ruleset.languages:
            assert f'<span lang="{language}">{rule.advice.in_language(language)}</span>' in shown
            if len(ruleset.languages) > 1:
                assert f'<span lang="{language}">{rule.title.in_language(language)}</span>' in shown
