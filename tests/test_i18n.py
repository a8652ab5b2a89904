"""English and Spanish: the switch, the lang attribute, the form, the result, the API, catalogues."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from answer_examples import answers_with_warnings, choice_questions
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import RULES_FILE
from test_glossary import text_in
from walker import Walker, choices, pick, result_of, sign_reaching

from triage import PROJECT_ROOT, engine, rules
from triage.engine.model import Level
from triage.patient import flow, given
from triage.rules import wording
from triage.rules.yamlfile import FileProblems

TRANSLATIONS = PROJECT_ROOT / "translations"
SPANISH_PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def client(app):
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


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
    cookie = language_cookie(response)
    assert cookie.startswith("lang=es;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    walker = Walker(client)
    page = walker.start()  # the cookie carries it to the check's pages, not their addresses
    assert html_lang(page.html) == "es" and ruleset.steps[0].title["es"] in page.html
    assert walker.addresses and not any("lang" in address for address in walker.addresses)


def language_cookie(response) -> str | None:
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")), None)


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
    assert language_cookie(response) is None
    assert language_cookie(client.get("/?lang=es")) is not None  # the check above can fail


def test_a_page_sent_with_blanks_is_refused_in_the_patients_language(client, ruleset):
    client.get("/?lang=es")
    walker = Walker(client)
    first = walker.start()
    radios = [name for name, (kind, _, _) in first.fields.items() if kind == "radio"]
    page = walker.send({name: "none" for name, (kind, _, _) in first.fields.items() if kind == "checkbox"})
    assert page.status == 400 and html_lang(page.html) == "es"
    count = len(flow.pages(ruleset, given.Given()))
    assert (
        f"<title>Error: {ruleset.steps[0].title['es']} (Página 1 de {count}) - Pump Check</title>"
        in page.html
    )
    assert "Hay un problema" in page.html and "¿No puede contestar? Llame a su equipo médico al" in page.html
    assert radios and all(
        "Elija una respuesta para: " + ruleset.question(name).text["es"] in page.html for name in radios
    )


def spanish_result(client, chosen: dict) -> str:
    client.get("/?lang=es")
    walker = Walker(client)
    walker.start()
    return walker.finish(pick(chosen)).html


def test_a_spanish_result_is_all_spanish(client, ruleset):
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    page = spanish_result(client, {area: sign.id})
    assert html_lang(page) == "es"
    heading = ruleset.levels[Level.EMERGENCY].heading["es"]
    assert f"<title>Resultado: {heading} - Pump Check</title>" in page
    assert 'href="tel:911"' in page and "Porque usted dijo:" in page
    assert first_warning(ruleset, dict(sign.sets)).rule.title["es"] in page
    assert sign.label["es"] in page  # what the person ticked, in their words
    assert re.search(
        r"Revisado el <time datetime=\"[^\"]+\">\d+ de [a-z]+ de \d{4}, "
        r"(1[0-2]|[1-9]):\d\d\s?[ap]\.\s?m\.</time>\.",
        page,
    )
    assert "Versión de las reglas" in page
    spoken = " ".join(text_in(page.replace(ruleset.version, ""), "es"))  # a clinic's id, not words
    english = next(check for check in wording.load_checks()["es"] if check.name == "english-in-spanish")
    assert [str(slip) for slip in wording.slips(iter([("es", "result", spoken)]), {"es": [english]})] == []


def number_not_known(ruleset):
    """(number question, chosen) where a rule names the number answered "I do not know"."""
    for number in (q for q in ruleset.questions if q.number and q.id in ruleset.bands):
        for _, chosen in choices(ruleset):
            chosen = {**chosen, number.id: given.UNKNOWN}
            if any((number.id, None) in w.because for w in result_of(ruleset, chosen).warnings):
                return number, chosen
    return None, None


def test_a_number_not_known_is_worded_from_the_catalogue(client, ruleset):
    """A number asked in bands answered "I do not know" reads so under "Because you said"."""
    number, chosen = number_not_known(ruleset)
    if number is None:
        pytest.skip("no rule of this rule set names a number that is not known")
    page = spanish_result(client, chosen)
    because = page[page.index("Porque usted dijo:") :]
    assert f"<li>{number.text['es']} No lo sé</li>" in because
    english = Walker(client)
    english.client.get("/?lang=en")
    english.start()
    assert f"<li>{number.text['en']} I do not know</li>" in english.finish(pick(chosen)).html


def test_the_switch_on_a_result_is_a_link_that_keeps_the_result(client, ruleset):
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker = Walker(client)
    walker.start()
    walker.finish(pick({area: sign.id}))
    page = client.get("/check/result?evil=%3Cx%3E").get_data(as_text=True)
    switch = re.search(r'<nav class="language-switch".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="([^"]*)"', switch) == ["?lang=es"]  # no answer, nothing sent, in it
    assert "<form" not in switch and "evil" not in switch
    again = walker.open("/check/result?lang=es")
    assert again.is_result and html_lang(again.html) == "es"
    assert first_warning(ruleset, dict(sign.sets)).rule.title["es"] in again.html


def test_error_pages_speak_the_patients_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "es"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and html_lang(page) == "es"
    assert "No se encontró la página" in page and "llame al" in page
    # A status with no words of its own (here 415, a JSON body on a page) is not werkzeug's English.
    response = client.post("/check/new", json={}, headers={"Accept-Language": "es"})
    page = response.get_data(as_text=True)
    assert response.status_code == 415 and "<title>Algo salió mal - Pump Check</title>" in page
    assert "Unsupported" not in page


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
    keywords = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "N_": None}
    return {
        message[0] if isinstance(message, tuple) else message
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
