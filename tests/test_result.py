"""The result card: one action first, only same-level reasons under "Why", the rest "also noted".

Every expectation is derived from the loaded rules (any valid rule set should pass), so the
clinic can change rules.yaml without editing these tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from html import unescape

import pytest
from helpers import TEST_CONFIG
from test_views import Page
from walker import Walker, choice_per_level, choice_reaching, pick, worst

from triage import create_app, engine
from triage.engine import signs
from triage.engine.model import Level
from triage.web.shared import contacts


def result_page(client, chosen: dict, language: str = "en") -> Walker:
    """Walk the check in `language` with `chosen` (the mildest elsewhere) to its last result."""
    client.get(f"/?lang={language}")
    walker = Walker(client)
    walker.start()
    walker.finish(pick(chosen))
    assert walker.page.is_result and walker.page.status == 200
    return walker


# The test settings name the emergency room in English only: Spanish takes the catalogue's words.
SPANISH_ROOM = "la sala de emergencias del hospital donde le pusieron la bomba"


def main_of(page) -> str:
    html = page.html if hasattr(page, "html") else page.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def text_of(html: str) -> str:
    return " ".join(unescape(Page(html).text).split())


# The call buttons on each level's card: 911, the care team, or none (the number is in the text).
BUTTONS = {
    Level.EMERGENCY: ["tel:911"],
    Level.EMERGENCY_ROOM: [],
    Level.URGENT: ["tel:5550100"],
    Level.SOON: ["tel:5550100"],
    Level.NONE: [],
}


def test_the_worst_answers_give_one_action_then_reasons_at_its_level_then_also_noted(app, client, ruleset):
    walker = result_page(client, worst(ruleset))  # every sign ticked, every page answered
    with app.test_request_context("/"):
        filled = contacts()  # the clinic's numbers and names in the texts' placeholders
    result = walker.result(ruleset)
    lower = [w for w in result.warnings if w.level < result.level]
    assert lower, "the worst answers should set off warnings below the result's level"
    main = main_of(walker.page)
    card = main[: main.index("</div>")]
    assert re.findall(r'class="button button--call[^"]*" href="([^"]+)"', card) == BUTTONS[result.level]
    why = main[main.index("Why we say this") : main.index("Also noted")]
    noted = main[main.index("Also noted") :]
    for warning in result.warnings:
        title, advice = warning.rule.title["en"], " ".join(warning.rule.advice.filled("en", filled).split())
        if warning.level == result.level:
            assert title in text_of(why) and advice in text_of(why)
        else:
            assert title in text_of(noted)
            assert advice not in text_of(main), "a lower level's advice competes with the action"
    # No lower level's heading (e.g. "Call within 24 hours") anywhere on the page.
    for level in Level:
        if Level.NONE < level < result.level:
            assert ruleset.levels[level].heading["en"] not in text_of(main)
    # Every warning, at the level or below, still says which answers set it off.
    assert text_of(main).count("Because you said:") == len(result.warnings)


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_level_shows_its_action_button_and_while_you_wait(client, ruleset, language):
    levels = choice_per_level(ruleset, pairs=True)
    assert {Level.NONE, Level.EMERGENCY} <= set(levels)
    for level, chosen in levels.items():
        main = main_of(result_page(client, chosen, language).page)
        text = text_of(main)
        level_text = ruleset.levels[level]
        assert f'class="card card--{level.id}"' in main
        assert level_text.heading[language] in text_of(main[: main.index("<h1")])
        buttons = re.findall(r'class="button button--call[^"]*" href="([^"]+)"', main)
        assert buttons == BUTTONS[level], level
        for item in level_text.while_you_wait:
            words = item[language].format(
                emergency_number="911",
                care_team_phone="555-0100",
                after_hours_phone="555-0199",
                emergency_room={"es": SPANISH_ROOM}.get(language, "the emergency room at St. Mary's"),
                call_back_minutes="30",
                care_team={"es": "su equipo médico"}.get(language, "the Pump Clinic"),
            )
            assert " ".join(words.split()[:4]) in text, (level, words)
        assert ruleset.version in text and ruleset.digest in text
        details = main[main.rindex('<p class="meta details">') :]
        assert ruleset.digest in details, "version and digest sit in the details line at the end"


def test_no_warning_signs_ends_with_the_red_flags_and_whom_to_call(client, ruleset):
    main = main_of(result_page(client, {}).page)
    text = text_of(main)
    assert ruleset.levels[Level.NONE].heading["en"] in text
    groups = signs.red_flags(ruleset, "en")
    assert groups, "the shipped rules mark some answers as red flags"
    for level, words in groups:
        assert {
            Level.EMERGENCY: "Call 911 now if you notice:",
            Level.URGENT: "Call the Pump Clinic now at 555-0100 if you notice:",
        }.get(level, "if you notice:") in text
        for sign in words:
            assert sign in text
    assert 'href="/when-to-call"' in main


def test_every_red_flag_is_named_in_the_safety_net(ruleset):
    """Each answer marked red_flag gives a sign at its level, named by a rule it sets off alone."""
    groups = signs.red_flags(ruleset, "en")
    for question in ruleset.questions:
        for option in question.options:
            if option.red_flag and option.red_flag >= Level.URGENT:
                result = engine.evaluate(ruleset, {**signs.mildest(ruleset), question.id: option.value})
                titles = {w.rule.title["en"] for w in result.warnings if w.level >= option.red_flag}
                listed = {w for level, words in groups if level >= option.red_flag for w in words}
                assert titles & listed, (question.id, option.value)


@pytest.mark.parametrize("after_hours", ["", "555-0100"])
def test_the_after_hours_number_shows_only_when_it_differs(ruleset, after_hours):
    urgent = choice_reaching(ruleset, Level.URGENT)
    if urgent is None:
        pytest.skip("no choice reaches urgent")
    for setting, shown in ((after_hours, False), ("555-0199", True)):  # the check can fail
        app = create_app({**TEST_CONFIG, "AFTER_HOURS_PHONE": setting})
        for page in (result_page(app.test_client(), urgent).page.html, app.test_client().get("/").text):
            assert ("after hours" in text_of(page).lower()) == (shown and "Result:" in page), setting


def test_the_care_team_is_named_in_each_language_never_english_inside_spanish(ruleset):
    urgent = choice_reaching(ruleset, Level.URGENT)
    if urgent is None:
        pytest.skip("no choice reaches urgent")
    plain = create_app(dict(TEST_CONFIG)).test_client()
    spanish = result_page(plain, urgent, "es").page.html
    assert "Pump Clinic" not in spanish and "su equipo médico" in spanish
    named = create_app({**TEST_CONFIG, "CARE_TEAM_NAME_ES": "la Clínica de la Bomba"})
    spanish = result_page(named.test_client(), urgent, "es").page.html
    action = ruleset.levels[Level.URGENT].action
    assert action_words(action["es"], "la Clínica de la Bomba") in spanish
    assert "Pump Clinic" not in spanish
    english = result_page(named.test_client(), urgent).page.html
    assert action_words(action["en"], "the Pump Clinic") in english


def action_words(action: str, care_team: str) -> str:
    """Return an action's words up to and including the care team's name, filled in."""
    return " ".join(action[: action.index("{care_team}") + len("{care_team}")].split()).format(
        care_team=care_team
    )


def test_the_care_team_name_in_another_language_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", TEST_CONFIG["SECRET_KEY"])
    monkeypatch.setenv("FLASK_CARE_TEAM_NAME_ES", " 1234 ")  # text, even when it reads as a number
    assert create_app().config["CARE_TEAM_NAME_ES"] == "1234"


def test_the_result_logic_imports_no_web_framework():
    code = textwrap.dedent("""
        import sys
        import triage.patient.result_card, triage.engine.signs, triage.rules, triage.engine
        from triage import SHIPPED_RULES
        ruleset = triage.rules.load(SHIPPED_RULES)
        result = triage.engine.evaluate(ruleset, {})
        triage.patient.result_card.build(result, ruleset, "en"), triage.engine.signs.watch_for(ruleset, "es")
        print(",".join(sorted(n for n in sys.modules if n.split(".")[0] in ("flask", "jinja2", "werkzeug"))))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
