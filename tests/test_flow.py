"""The check page by page (triage/patient/): short for the well, quick for the sick, and each page
at its own address, so Back, forward and reload keep the answers. Every answer used here is
derived from the loaded rules, so the tests hold for any valid rule set.
"""

from __future__ import annotations

import re

import pytest
from helpers import TEST_CONFIG, token_in
from walker import Walker, level_alone, sign_reaching, signs_with_steps

from triage import create_app
from triage.engine.model import Level
from triage.patient import flow, given


@pytest.fixture
def walker(client):
    return Walker(client)


def test_a_well_person_answers_each_step_once_with_one_tap_per_area(walker, ruleset):
    page = walker.start()
    assert page.address == f"/check/{ruleset.steps[0].id}"
    seen = []
    while not walker.page.is_result:
        seen.append(walker.page.address)
        walker.send(walker.mildest())
    assert seen == [f"/check/{step.id}" for step in ruleset.steps]
    assert walker.page.level == "none"
    assert (
        "No warning signs" in walker.page.html or ruleset.levels[Level.NONE].heading["en"] in walker.page.html
    )


def test_the_first_page_asks_who_is_answering_and_every_emergency_sign_with_nothing_chosen(walker, ruleset):
    page = walker.start()
    first = ruleset.steps[0]
    names = set(page.fields)
    assert set(first.questions) | {area.id for area in first.areas} == names
    assert all(not chosen for _, _, chosen in page.fields.values())
    emergency_signs = [
        sign.id
        for number, _, _, sign in signs_with_steps(ruleset)
        if level_alone(ruleset, sign) == Level.EMERGENCY
    ]
    offered = {value for _, values, _ in page.fields.values() for value in values}
    assert emergency_signs and set(emergency_signs) <= offered


def test_an_emergency_sign_on_the_first_page_shows_the_emergency_card_right_after(walker, ruleset):
    number, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker.start()
    page = walker.send({**walker.mildest(), area: sign.id})
    assert page.is_result and page.level == "emergency"
    assert 'href="tel:911"' in page.html
    assert sign.label["en"] in page.html  # "because you said" in the words the person ticked


@pytest.mark.parametrize("level", [Level.URGENT, Level.SOON])
def test_a_sign_alone_gives_its_level_and_urgent_stops_on_the_page_after(walker, ruleset, level):
    found = sign_reaching(ruleset, level, first_page=False)
    if found is None:
        pytest.skip(f"no sign alone gives {level.id} in these rules")
    number, area, sign = found

    def choose(page):
        return {area: sign.id} if area in page.fields else None

    walker.start()
    pages = 0
    while not walker.page.is_result:
        sent_here = area in walker.page.fields
        walker.send({**walker.mildest(), **(choose(walker.page) or {})})
        pages += 1
        if sent_here and level >= Level.URGENT:
            assert walker.page.is_result, "the card comes right after the page where urgent was reached"
    assert walker.page.level == level.id
    if level == Level.URGENT and number < len(ruleset.steps):
        assert "Answer the remaining" in walker.page.html


def test_answering_the_remaining_pages_says_call_now_first_and_ends_with_the_result(walker, ruleset):
    found = sign_reaching(ruleset, Level.URGENT, first_page=False)
    if found is None or found[0] == len(ruleset.steps):
        pytest.skip("no urgent sign before the last page in these rules")
    _, area, sign = found
    walker.start()
    walker.through(lambda page: {area: sign.id} if area in page.fields else None)
    more = walker._send("/check/more", {"csrf_token": token_in(walker.page.html)})
    assert not more.is_result and 'id="so-far"' in more.html
    assert "do not wait until you finish" in more.html
    assert walker.through().level == "urgent"


def test_a_ticked_sign_that_opens_questions_asks_them_next_without_their_mildest_answer(walker, ruleset):
    opening = next(((n, area, sign) for n, _, area, sign in signs_with_steps(ruleset) if sign.opens), None)
    if opening is None:
        pytest.skip("no sign opens a question in these rules")
    number, area, sign = opening
    walker.start()
    while area not in walker.page.fields:
        walker.send(walker.mildest())
    page = walker.send({**walker.mildest(), area: sign.id})
    if page.is_result:
        pytest.skip("the sign alone ends the check")
    assert page.address.endswith("/details")
    assert set(page.fields) == set(sign.opens)
    for question_id in sign.opens:
        question = ruleset.question(question_id)
        assert page.fields[question_id][1] == list(question.values[1:])


def test_back_forward_and_reload_show_every_page_with_its_answers(walker, client, ruleset):
    walker.start()
    chosen: dict[str, dict] = {}
    while not walker.page.is_result:
        answers = walker.mildest()
        for name, (kind, values, _) in walker.page.fields.items():
            if kind == "radio":
                answers[name] = values[-1] if len(values) > 1 and name == "answerer" else values[0]
        chosen[walker.page.address] = answers
        walker.send(answers)
    for address, answers in chosen.items():  # Back: each page again, as it was answered
        page = walker.open(address)
        assert page.status == 200
        for name, value in answers.items():
            assert page.fields[name][2] == [value], (address, name)
        assert walker.open(address).html == page.html  # reload: the same page
    assert walker.open("/check/result").is_result  # forward again: the result


def test_no_answer_ever_enters_an_address(walker, ruleset):
    walker.start()
    walker.through()
    values = {value for step in ruleset.steps for q in step.questions for value in ruleset.question(q).values}
    for address in walker.addresses:
        assert "?" not in address and "=" not in address
        assert not any(f"/{value}" in address for value in values if len(value) > 2)


def test_a_page_sent_blank_keeps_nothing_assumed_and_offers_a_way_out(walker, ruleset):
    walker.start()
    page = walker.send({})
    assert page.status == 400 and page.address == f"/check/{ruleset.steps[0].id}"
    assert "There is a problem" in page.html and "Cannot answer? Call the Pump Clinic" in page.html
    assert 'href="tel:5550100"' in page.html
    assert page.html.count("field-error") == len(page.fields)


def test_a_blank_page_with_urgent_answers_so_far_shows_that_advice(walker, ruleset):
    urgent = next(
        (
            (area, sign)
            for number, step, area, sign in signs_with_steps(ruleset)
            if step.questions and sign.sets and level_alone(ruleset, sign) == Level.SOON
        ),
        None,
    )
    if urgent is None:
        pytest.skip("no page with both questions and a sign giving soon alone")
    area, sign = urgent
    walker.start()
    while area not in walker.page.fields:
        walker.send(walker.mildest())
    page = walker.send({area: sign.id})  # the page's questions left blank
    assert page.status == 400 and 'id="so-far"' in page.html


def test_a_sign_ticked_with_none_of_these_or_beside_a_value_that_cannot_be_read_still_counts(walker, ruleset):
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker.start()
    assert walker.send({**walker.mildest(), area: ["none", sign.id]}).level == "emergency"
    walker.start()
    assert walker.send({**walker.mildest(), area: [sign.id, "not-a-sign"]}).level == "emergency"


@pytest.mark.parametrize("bad", ["", " ", "not-an-answer", "\u00b2"])
def test_an_answer_that_cannot_be_read_is_asked_again_never_a_500(walker, ruleset, bad):
    walker.start()
    question = next(q for q in walker.page.fields if walker.page.fields[q][0] == "radio")
    page = walker.send({**walker.mildest(), question: bad})
    assert page.status == 400 and page.fields[question][2] == []
    assert "There is a problem" in page.html


def test_one_answer_sent_twice_differently_is_asked_again_and_the_rest_still_counts(walker, ruleset, client):
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker.start()
    question = next(q for q in walker.page.fields if walker.page.fields[q][0] == "radio")
    values = walker.page.fields[question][1]
    assert walker.send({**walker.mildest(), question: values[:2], area: sign.id}).level == "emergency"
    walker.start()
    page = walker.send({**walker.mildest(), question: values[:2]})
    assert page.status == 400 and page.fields[question][2] == []
    walker.start()
    page = walker.send({**walker.mildest(), question: [values[0], values[0]]})  # the same twice: read
    assert page.status == 200 and page.address != f"/check/{ruleset.steps[0].id}"


def test_a_json_body_on_a_page_is_refused_with_the_numbers_to_call(client, walker):
    walker.start()
    response = client.post(walker.page.address, json={"answerer": "self"}, headers={"X-CSRFToken": "x"})
    assert response.status_code == 415
    assert 'href="tel:911"' in response.get_data(as_text=True)


def test_a_refused_token_still_shows_the_advice_the_readable_answers_call_for(app, walker, ruleset):
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker.start()
    fresh = create_app(dict(TEST_CONFIG)).test_client()  # another browser: no session, no token
    response = fresh.post(
        walker.page.address, data={**walker.mildest(), area: sign.id, "csrf_token": "stale"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Your answers were not sent" in html
    assert 'class="card card--emergency" id="so-far"' in html


def test_a_body_too_large_still_shows_the_advice_of_the_answers_so_far(walker, client, ruleset):
    found = sign_reaching(ruleset, Level.SOON, first_page=False) or sign_reaching(ruleset, Level.URGENT)
    walker.start()
    walker.send(walker.mildest())
    _, area, sign = found
    while area not in walker.page.fields:
        walker.send(walker.mildest())
    walker.send({**walker.mildest(), area: sign.id})
    response = client.post(f"/check/{ruleset.steps[0].id}", data={"x": "y" * 70_000})
    assert response.status_code == 413 and 'id="so-far"' in response.get_data(as_text=True)


def test_the_result_waits_for_the_pages_not_yet_answered(walker, client, ruleset):
    assert walker.open("/check/result").address == f"/check/{ruleset.steps[0].id}"
    walker.start()
    walker.send(walker.mildest())
    assert walker.open("/check/result").address == f"/check/{ruleset.steps[1].id}"


def test_an_address_no_path_has_is_not_found_and_details_with_nothing_ticked_move_on(walker, client, ruleset):
    walker.start()
    assert client.get("/check/no-such-page").status_code == 404
    step = ruleset.steps[0]
    response = client.get(f"/check/{step.id}/details")
    assert response.status_code == 303


def test_start_again_forgets_every_answer(walker, ruleset):
    walker.start()
    walker.through()
    page = walker.start()
    assert all(not chosen for _, _, chosen in page.fields.values())


def test_a_check_older_than_twelve_hours_starts_afresh(walker, ruleset, monkeypatch):
    import time

    walker.start()
    walker.send(walker.mildest())
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 13 * 3600)
    assert walker.open("/check").address == f"/check/{ruleset.steps[0].id}"
    assert all(not chosen for _, _, chosen in walker.page.fields.values())


def test_the_language_switch_keeps_the_answers(walker, ruleset):
    if "es" not in ruleset.languages:
        pytest.skip("the rules have no Spanish")
    walker.start()
    answers = walker.mildest()
    walker.send(answers)
    address = walker.addresses[-1]
    back = walker.open(f"/check/{ruleset.steps[0].id}?lang=es")
    assert back.html.startswith("<!doctype html>") and 'lang="es"' in back.html
    assert all(
        back.fields[name][2] == ([value] if not isinstance(value, list) else value)
        for name, value in answers.items()
    )
    assert address.startswith("/check/")


def test_a_caregiver_reads_the_questions_about_the_person(walker, ruleset):
    worded = [
        (ruleset.question(q).text["en"], ruleset.question(q).caregiver_text["en"])
        for step in ruleset.steps[1:]
        for q in step.questions
        if ruleset.question(q).caregiver_text
    ] + [
        (area.title["en"], area.caregiver_title["en"])
        for step in ruleset.steps[1:]
        for area in step.areas
        if area.caregiver_title
    ]
    if not worded or given.WHO_IS_ANSWERING not in ruleset.questions_by_id:
        pytest.skip("no caregiver wording in these rules")
    who = ruleset.question(given.WHO_IS_ANSWERING)
    walker.start()
    page = walker.send({**walker.mildest(), who.id: who.values[1]})
    html = re.sub(r"\s+", " ", page.html)
    shown = [caregiver for patient, caregiver in worded if caregiver.replace("'", "&#39;") in html]
    assert shown and not any(
        patient.replace("'", "&#39;") in html for patient, caregiver in worded if caregiver in shown
    )


# ------------------------------------------------------------------ the pure parts


def test_an_unticked_sign_means_its_mildest_answer_and_a_page_not_reached_means_nothing(ruleset):
    area = ruleset.steps[0].areas[0]
    said = given.answers(ruleset, given.Given(ticked={area.id: ()}))
    for sign in area.signs:
        for question_id, _ in sign.sets:
            assert said[question_id] == ruleset.question(question_id).values[0]
    first = set(ruleset.steps[0].all_questions)
    later = {q for step in ruleset.steps[1:] for q in step.all_questions} - first
    assert not later & set(said)


def test_several_signs_of_one_question_give_its_most_serious_answer(ruleset):
    by_question: dict[str, list] = {}
    for _, _, area, sign in signs_with_steps(ruleset):
        for question_id, value in sign.sets:
            by_question.setdefault(question_id, []).append((area, sign.id, value))
    several = next(((q, signs) for q, signs in by_question.items() if len(signs) > 1), None)
    if several is None:
        pytest.skip("no question is set by two signs")
    question_id, signs = several
    ticked: dict[str, tuple] = {}
    for area, sign_id, _ in signs:
        ticked[area] = (*ticked.get(area, ()), sign_id)
    said = given.answers(ruleset, given.Given(ticked=ticked))
    levels = {value: flow.evaluate(ruleset, {question_id: value}).level for _, _, value in signs}
    assert levels[said[question_id]] == max(levels.values())
