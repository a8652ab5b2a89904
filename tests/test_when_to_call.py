"""The printable "When to call" sheet, and what Lighthouse asked of every page (meta, favicon)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from test_views import Page
from walker import Walker

from triage import PROJECT_ROOT, rules
from triage.engine import signs
from triage.engine.model import Level
from triage.web.security import CONTENT_SECURITY_POLICY

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
# Link texts Lighthouse 12 calls vague (its list, for the languages we serve).
VAGUE = {
    "start",
    "begin",
    "go",
    "here",
    "click here",
    "more",
    "continue",
    "empezar",
    "comenzar",
    "aquí",
    "ir",
    "continuar",
    "más",
}


def text_of(html: str) -> str:
    return " ".join(unescape(Page(html).text).split())


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_sheet_lists_every_sign_by_level_with_whom_to_call(client, ruleset, language):
    response = client.get(f"/when-to-call?lang={language}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    main = html[html.index("<main") : html.index("</main>")]
    text = text_of(main)
    groups = signs.watch_for(ruleset, language)
    assert [level for level, _ in groups] == sorted((lv for lv, _ in groups), reverse=True)
    starts = [main.index(f'class="signs signs--{level.id}"') for level, _ in groups]
    assert starts == sorted(starts), "most urgent first"
    for (level, words), start in zip(groups, starts, strict=True):
        block = text_of(main[start : main.index("</ul>", start)])
        assert ruleset.levels[level].heading[language] in block  # the level, in words too
        assert all(sign in block for sign in words)
    for item in ruleset.levels[Level.EMERGENCY].while_you_wait:
        assert " ".join(item[language].split()[:4]) in text
    assert 'href="tel:911"' in main and 'href="tel:5550100"' in main and 'href="tel:5550199"' in main
    assert ruleset.version in text and ruleset.digest in text


def test_every_rule_is_on_the_sheet_or_named_by_a_rule_on_fewer_questions(ruleset):
    """A rule left off the sheet only where a listed rule at its level or above always fires too."""
    listed = {words for _, group in signs.watch_for(ruleset, "en") for words in group}
    for rule in ruleset.rules:
        if rule.level > Level.NONE and rule.title["en"] not in listed:
            standing_in = [
                r
                for r in ruleset.rules
                if r.title["en"] in listed
                and r.level >= rule.level
                and r.when.questions() <= rule.when.questions()
            ]
            assert standing_in, rule.id


def test_a_combination_gives_way_to_the_sign_that_always_comes_with_it(tmp_path):
    text = MINIMAL.read_text("utf-8") + (
        "  - id: fever-and-spreading-redness\n    category: site_infection\n    level: urgent\n"
        "    when: {all: [{question: redness, is: spreading}, {question: fever, is: yes}]}\n"
        "    title: {en: Fever with spreading redness}\n    advice: {en: Call.}\n"
        '    source: ref "Infection"\n'
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    ruleset = rules.load(path)
    assert signs.watch_for(ruleset, "en") == (
        (Level.URGENT, ("Fever soon after surgery", "Spreading redness")),
    )
    assert signs.red_flags(ruleset, "en") == ()  # the minimal file marks no red flags


def test_every_page_has_a_description_in_its_language_and_an_icon(client, ruleset):
    descriptions = {}
    for language in ("en", "es"):
        client.get(f"/?lang={language}")
        walker = Walker(client)
        walker.start()
        walker.through()
        pages = [*walker.addresses, "/", "/when-to-call", "/no-such-page"]
        for path in pages:
            html = client.get(path).get_data(as_text=True)
            found = re.findall(r'<meta name="description" content="([^"]{50,})">', html)
            assert len(found) == 1, path
            descriptions.setdefault(language, set()).add(found[0])
            icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
            with client.get(icon) as response:
                assert response.status_code == 200
    assert not descriptions["en"] & descriptions["es"], "each language has its own words"


def test_favicon_ico_is_served_and_allowed_by_the_policy(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.get_data()[:4] == b"\0\0\1\0"  # an ICO file
        assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY and "img-src" not in CONTENT_SECURITY_POLICY
    assert (PROJECT_ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_start_button_says_what_it_starts(client, language):
    html = client.get(f"/?lang={language}").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/check/new".*?</form>', html, re.S)
    assert len(forms) == 1
    buttons = re.findall(r'<button type="submit" class="button">([^<]+)</button>', forms[0])
    assert len(buttons) == 1 and buttons[0].strip().lower() not in VAGUE
    assert len(buttons[0].split()) >= 3


def test_the_sheet_prints(client):
    with client.get("/static/site.css") as response:
        css = response.get_data(as_text=True)
    printed = css[css.index("@media print") :]
    assert ".signs" in printed and ".wait" in printed and ".details" in printed
