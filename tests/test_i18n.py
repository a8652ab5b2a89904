"""English and Spanish: the switch, the lang attribute, the form, the result, the API, catalogues."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from answer_examples import answers_at, answers_with_warnings, choice_questions, number_question
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import RULES_FILE

from triage import PROJECT_ROOT, engine, rules
from triage.engine.model import Level
from triage.rules.yamlfile import FileProblems

TRANSLATIONS = PROJECT_ROOT / "translations"
SPANISH_PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def client(app):
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


def answers(ruleset, **chosen):
    return {**{q.id: ("" if q.number else q.values[0]) for q in ruleset.questions}, **chosen}


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


# The rule file -------------------------------------------------------------------------------


def first_warning(ruleset, answers):
    """Return the first warning the answers give (they are chosen to give one)."""
    return engine.evaluate(ruleset, answers).warnings[0]


def test_every_text_has_a_wording_in_every_language(ruleset):
    assert ruleset.languages[0] == "en"
    texts = [t for level in ruleset.levels.values() for t in (level.heading, level.action)]
    texts += [c.title for c in ruleset.categories.values()]
    for q in ruleset.questions:
        texts += [t for t in (q.text, q.hint, q.ask, q.unit) if t]
        texts += [t for o in q.options for t in (o.label, o.hint) if t]
    texts += [t for r in ruleset.rules for t in (r.title, r.advice)]
    assert texts and all(set(t) == set(ruleset.languages) and t["es"].strip() for t in texts)


def test_a_text_without_its_spanish_wording_fails_validation(tmp_path, ruleset):
    lines = Path(RULES_FILE).read_text("utf-8").splitlines(keepends=True)
    first = ruleset.rules[0]
    rule = lines.index(f"  - id: {first.id}\n")
    advice = next(i for i in range(rule, len(lines)) if lines[i] == "    advice:\n")
    spanish = next(i for i in range(advice, len(lines)) if lines[i].startswith("      es:"))
    end = next(i for i in range(spanish + 1, len(lines)) if not lines[i].startswith("       "))
    line = advice + 1  # the file's line number of `advice:`
    broken = tmp_path / "rules.yaml"
    broken.write_text("".join(lines[:spanish] + ["      # no Spanish\n"] + lines[end:]), "utf-8")
    with pytest.raises(FileProblems) as raised:
        rules.load(broken)
    message = str(raised.value)
    assert f"{broken}:{line}: rule '{first.id}', advice: the wording in es is missing" in message
    declared = ", ".join(ruleset.languages)
    assert f"advice: the wording in es is missing (the file declares languages: {declared})" in message


# Pages ---------------------------------------------------------------------------------------


def test_english_by_default_with_a_visible_switch_to_spanish(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert html_lang(page) == "en" and response.headers["Content-Language"] == "en"
    assert '<a href="?lang=es" hreflang="es" lang="es" class="language-link">Español</a>' in page
    assert "Accept-Language" in response.headers["Vary"] and "Cookie" in response.headers["Vary"]


def test_the_switch_gives_spanish_and_remembers_only_the_language(client, ruleset):
    response = client.get("/?lang=es")
    page = response.get_data(as_text=True)
    assert html_lang(page) == "es" and response.headers["Content-Language"] == "es"
    assert "Revise sus síntomas después de la cirugía de la bomba de baclofeno" in page
    assert '<a href="?lang=en" hreflang="en" lang="en" class="language-link">English</a>' in page
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=es;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/check").get_data(as_text=True)  # the cookie carries it to the next page
    first = ruleset.question(ruleset.steps[0].questions[0])
    assert html_lang(page) == "es" and first.text["es"] in page


@pytest.mark.parametrize(
    "header, expected",
    [("es-MX,es;q=0.9,en;q=0.5", "es"), ("es", "es"), ("fr-FR,fr", "en"), ("en-GB", "en"), (None, "en")],
)
def test_a_first_visit_follows_the_browser(client, header, expected):
    headers = {"Accept-Language": header} if header else {}
    assert html_lang(client.get("/", headers=headers).get_data(as_text=True)) == expected


def test_an_unknown_language_is_ignored(client):
    response = client.get("/?lang=xx")
    assert html_lang(response.get_data(as_text=True)) == "en"
    assert "Set-Cookie" not in response.headers


def test_the_form_carries_the_language(client, ruleset):
    page = client.get("/check?lang=es").get_data(as_text=True)
    assert '<input type="hidden" name="lang" value="es">' in page
    client.delete_cookie("lang")
    first = ruleset.steps[0].questions
    answered = {first[0]: ruleset.question(first[0]).values[0]}
    response = client.post("/check", data={**answered, "step": "1", "go": "next", "lang": "es"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and html_lang(page) == "es"
    assert f"<title>Error: Paso 1 de {len(ruleset.steps)}: " in page
    assert "Hay un problema" in page
    assert f"No contestó {len(first) - 1} pregunta" in page
    assert "Elija una respuesta para: " + ruleset.question(first[1]).text["es"] in page


def test_a_spanish_result_is_all_spanish(client, ruleset):
    emergency = answers_at(ruleset, Level.EMERGENCY)
    data = {**answers(ruleset, **emergency), "lang": "es"}
    page = client.post("/check", data=data).get_data(as_text=True)
    assert html_lang(page) == "es"
    heading = ruleset.levels[Level.EMERGENCY].heading["es"]
    assert f"<title>Resultado: {heading} - Pump Check</title>" in page
    assert 'href="tel:911">911</a>' in page and "Porque usted dijo:" in page
    assert first_warning(ruleset, emergency).rule.title["es"] in page
    (question_id, value), *_ = emergency.items()
    question = ruleset.question(question_id)
    assert f"{question.text['es']} <strong>{question.option(value).label['es']}</strong>" in page
    assert re.search(
        r"Revisado el <time datetime=\"[^\"]+\">\d+ de \w+ de \d{4} "
        r"a las (1[0-2]|[1-9]):\d\d\s?[ap]\.\s?m\.</time> UTC",
        page,
    )
    assert "Versión de las reglas" in page


def test_an_unanswered_question_is_worded_from_the_catalogue(client, ruleset):
    days = number_question(ruleset)
    chosen = next(
        (
            {question.id: value}
            for question in choice_questions(ruleset)
            for value in question.values[1:]
            if any(
                (days.id, None) in warning.because
                for warning in engine.evaluate(ruleset, {question.id: value}).warnings
            )
        ),
        None,
    )
    if chosen is None:
        pytest.skip(f"no rule of this rule set shows '{days.id}' when it is not answered")
    data = {**answers(ruleset, **chosen), "lang": "es"}
    page = client.post("/check", data=data).get_data(as_text=True)
    days = days.text["es"]
    assert f"{days} <strong>sin respuesta</strong>" in page
    english = client.post("/check", data={**data, "lang": "en"}).get_data(as_text=True)
    assert "<strong>not answered</strong>" in english


def test_switching_language_on_a_result_reposts_the_answers_not_a_link(client, ruleset):
    days = number_question(ruleset).id
    chosen = answers_with_warnings(ruleset)
    data = answers(ruleset, **chosen, **{days: "12"})
    page = client.post("/check", data={**data, "evil": "<x>"}).get_data(as_text=True)
    switch = re.search(r'<nav class="language-switch".*?</nav>', page, re.S).group(0)
    assert '<form method="post" action="/check">' in switch
    assert (
        '<button type="submit" name="lang" value="es" lang="es" class="language-link">Español</button>'
    ) in switch
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', switch))
    assert hidden.pop("csrf_token")
    assert (hidden.pop("step"), hidden.pop("go")) == (str(len(ruleset.steps) + 1), "next")
    band = next(b.value for b in ruleset.bands[days] if 12 in b)
    assert hidden == {key: value for key, value in data.items() if value != ""} | {days: band}
    assert "evil" not in switch and "?" not in re.search(r'action="([^"]*)"', switch).group(1)
    again = client.post("/check", data={**hidden, "lang": "es"}).get_data(as_text=True)
    assert html_lang(again) == "es" and first_warning(ruleset, chosen).rule.title["es"] in again


def test_error_pages_speak_the_patients_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "es"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and html_lang(page) == "es"
    assert "No se encontró la página" in page and "llame al" in page


def test_staff_pages_stay_english_with_no_switch(client):
    page = client.get("/call?lang=es").get_data(as_text=True)
    assert html_lang(page) == "en" and "language-switch" not in page


def test_numbers_left_unset_are_worded_in_the_patients_language(app):
    app.config.update(CARE_TEAM_PHONE="", CARE_TEAM_NAME="your care team", WTF_CSRF_ENABLED=False)
    page = app.test_client().get("/?lang=es").get_data(as_text=True)
    assert "Su equipo médico: número que aparece en sus papeles de alta" in page


# The API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, headers", [("?lang=es", {}), ("", {"Accept-Language": "es-ES"})])
def test_the_api_answers_in_spanish_when_asked(client, ruleset, query, headers):
    response = client.get("/api/v1/questions" + query, headers=headers)
    assert response.headers["Content-Language"] == "es"
    question = choice_questions(ruleset)[0]
    shown = next(q for q in response.get_json()["questions"] if q["id"] == question.id)
    assert shown["text"] == question.text["es"] != question.text["en"]
    assert [o["label"] for o in shown["options"]] == [o.label["es"] for o in question.options]
    chosen = answers_with_warnings(ruleset)
    response = client.post("/api/v1/triage" + query, headers=headers, json={"answers": chosen})
    assert response.headers["Content-Language"] == "es"
    assert response.get_json()["warnings"][0]["title"] == first_warning(ruleset, chosen).rule.title["es"]


def test_the_api_refuses_a_language_it_does_not_have(client):
    response = client.post("/api/v1/triage?lang=fr", json={"answers": {}})
    assert response.status_code == 422
    assert response.get_json() == {
        "errors": [{"field": "lang", "message": "unknown language; use one of: en, es"}]
    }


def test_the_api_speaks_english_by_default(client, ruleset):
    chosen = answers_with_warnings(ruleset)
    response = client.post("/api/v1/triage", json={"answers": chosen})
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["warnings"][0]["title"] == first_warning(ruleset, chosen).rule.title["en"]


# The catalogues ------------------------------------------------------------------------------


def _code_messages() -> set[str]:
    method_map = [("triage/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "lazy_gettext": None}
    return {
        message
        for _, _, message, _, _ in extract_from_dir(str(PROJECT_ROOT), method_map, keywords=keywords)
        if message
    }


def test_every_word_of_the_app_has_its_spanish(capsys):
    with open(SPANISH_PO, "rb") as file:
        catalogue = read_po(file)
    wanted = _code_messages()
    assert len(wanted) > 50
    missing = sorted(m for m in wanted if m not in catalogue or not catalogue[m].string or catalogue[m].fuzzy)
    assert missing == [], "run `make translations` and translate these in " + str(SPANISH_PO)
    for message in catalogue:  # the placeholders survive translation (each plural form too)
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), message.id
            for text in strings:
                assert sorted(re.findall(r"%\(\w+\)s", ids[-1])) == sorted(re.findall(r"%\(\w+\)s", text)), (
                    message.id
                )


def test_the_compiled_catalogue_matches_the_po_file():
    with open(SPANISH_PO, "rb") as file:
        catalogue = read_po(file)
    with open(SPANISH_PO.with_suffix(".mo"), "rb") as file:
        compiled = gettext.GNUTranslations(file)
    for message in catalogue:
        if isinstance(message.id, tuple):  # plural forms: Spanish has one and "many"
            assert (compiled.ngettext(*message.id, 1), compiled.ngettext(*message.id, 2)) == message.string, (
                "run `make translations`"
            )
        elif message.id:
            assert compiled.gettext(message.id) == message.string, "run `make translations`"
