"""The check step by step (triage/patient/flow.py): emergency signs first, stop early, never withhold.

Every example is derived from the loaded rules (an answer marked red_flag: emergency, an answer
that alone gives urgent...), so these tests hold for any valid rule file.
"""

from __future__ import annotations

import itertools
import re

import pytest
from conftest import answer_giving, none_answers, step_form_fields
from helpers import TEST_CONFIG
from test_views import assert_numbers_shown, page

from triage import create_app, engine
from triage.engine.model import Level


def steps_of(ruleset):
    return list(enumerate(ruleset.steps, start=1))


def answers_up_to(ruleset, number: int, answers: dict) -> dict:
    """The answers a patient has given by the end of step `number`: `answers` where given."""
    wanted = {q for _, step in steps_of(ruleset)[:number] for q in step.questions}
    return {q: value for q, value in answers.items() if q in wanted}


def checked(shown, question_id) -> list[str]:
    return [a["value"] for a in shown.find("input", name=question_id) if "checked" in a]


def emergency_red_flag(ruleset) -> dict[str, str]:
    question = next(q for q in ruleset.questions if any(o.red_flag == Level.EMERGENCY for o in q.options))
    option = next(o for o in question.options if o.red_flag == Level.EMERGENCY)
    return {question.id: option.value}


def emergency_after_the_first_step(ruleset) -> dict[str, str] | None:
    """Two answers outside the first step that together make an emergency, if the rules have one."""
    later = [q for q in ruleset.questions if q.id not in ruleset.steps[0].questions and not q.number]
    base = none_answers(ruleset)
    for first, second in itertools.combinations(later, 2):
        for a, b in itertools.product(first.values[1:], second.values[1:]):
            chosen = {first.id: a, second.id: b}
            if engine.evaluate(ruleset, {**base, **chosen}).level == Level.EMERGENCY:
                return chosen
    return None


# The first step --------------------------------------------------------------------------------


def test_the_first_step_asks_the_emergency_signs_and_nothing_is_preselected(client, ruleset):
    response = client.get("/check")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = page(response)
    first = ruleset.steps[0]
    assert shown.title.startswith(f"Step 1 of {len(ruleset.steps)}: ")
    emergency = {q.id for q in ruleset.questions if any(o.red_flag == Level.EMERGENCY for o in q.options)}
    in_order = [q for step in ruleset.steps for q in step.questions]
    assert set(in_order[: len(emergency)]) == emergency, "the signs of an emergency come first"
    asked = {a["name"] for a in shown.find("input", type="radio")} | {
        a["name"] for a in shown.find("input", type="text")
    }
    assert asked == set(first.questions)
    for question_id in first.questions:
        question = ruleset.question(question_id)
        assert question.text["en"] in shown.text
        assert [r["value"] for r in shown.find("input", name=question_id)] == list(question.values)
    assert not [a for t, a in shown.elements if t == "input" and ("checked" in a or "required" in a)]
    assert shown.find("a", href="/")  # Back, to the start
    assert_numbers_shown(response)


def test_an_emergency_answer_on_the_first_step_ends_the_check_at_once(post_step, ruleset):
    answers = {**answers_up_to(ruleset, 1, none_answers(ruleset)), **emergency_red_flag(ruleset)}
    response = post_step(1, answers)
    assert response.status_code == 200
    shown = page(response)
    assert shown.title == "Result: Emergency - Pump Check"
    assert shown.find("a", href="tel:911")
    not_asked = len(ruleset.questions) - len(ruleset.steps[0].questions)
    assert f"your answers show an emergency: {not_asked} questions were not asked" in shown.text
    assert "You skipped" not in shown.text


def test_an_emergency_after_any_later_step_ends_the_check_there(post_step, ruleset):
    chosen = emergency_after_the_first_step(ruleset)
    if chosen is None:
        pytest.skip("no two answers outside the first step make an emergency in this rule file")
    last = max(ruleset.step_of[q] for q in chosen)
    answers = {**answers_up_to(ruleset, last, none_answers(ruleset)), **chosen}
    shown = page(post_step(last, answers))
    assert shown.title == "Result: Emergency - Pump Check"
    later = sum(len(step.questions) for number, step in steps_of(ruleset) if number > last)
    if later:
        assert f"{later} question" in shown.text and "not asked" in shown.text


# Short steps, in order, each asked once; Back keeps every answer --------------------------------


def walk(client, post_step, ruleset, answers):
    """Answer every step in turn from the pages' own hidden fields; return each page shown."""
    pages, html = [], client.get("/check").get_data(as_text=True)
    for number, step in steps_of(ruleset):
        data = step_form_fields(html)
        assert data.get("step") == str(number)
        data.update({q: answers[q] for q in step.questions if q in answers})
        response = post_step(number, data)
        html = response.get_data(as_text=True)
        pages.append(response)
    return pages


def test_every_question_is_asked_once_in_its_step_and_the_summary_comes_last(client, post_step, ruleset):
    answers = none_answers(ruleset)
    pages = walk(client, post_step, ruleset, answers)
    asked = []
    for number, response in enumerate(pages[:-1], start=2):
        assert response.status_code == 200
        shown = page(response)
        assert shown.title.startswith(f"Step {number} of {len(ruleset.steps)}: ")
        assert f"Step {number} of {len(ruleset.steps)}" in shown.text
        asked += sorted({a["name"] for a in shown.find("input") if a.get("type") in ("radio", "text")})
        # Every answer of the other steps travels in the form, and nothing else.
        hidden = step_form_fields(response.get_data(as_text=True))
        given = {q for n, step in steps_of(ruleset)[: number - 1] for q in step.questions if q in answers}
        assert set(hidden) - {"csrf_token", "lang", "step"} == given
    assert sorted(asked) == sorted(q for _, step in steps_of(ruleset)[1:] for q in step.questions)
    summary = page(pages[-1])
    assert summary.title.startswith("Check your answers")
    for question in ruleset.questions:
        assert question.text["en"] in summary.text


def some_symptoms(ruleset) -> dict:
    """Answers other than the mildest wherever that does not make an emergency."""
    answers = none_answers(ruleset)
    for question in ruleset.questions:
        for value in question.values[1:2] if not question.number else ():
            trial = {**answers, question.id: value}
            if engine.evaluate(ruleset, trial).level < Level.EMERGENCY:
                answers = trial
    answers.update({q: bands[-1].value for q, bands in ruleset.bands.items()})
    return answers


def test_back_through_every_step_keeps_every_answer(post_step, ruleset):
    answers = some_symptoms(ruleset)
    assert answers != none_answers(ruleset)
    for number in range(len(ruleset.steps), 0, -1):
        response = post_step(number + 1, answers, go="back")  # Back on step number + 1
        assert response.status_code == 200
        shown = page(response)
        assert shown.title.startswith(f"Step {number} of ")
        for question_id in ruleset.steps[number - 1].questions:
            assert checked(shown, question_id) == [answers[question_id]], question_id
        kept = step_form_fields(response.get_data(as_text=True))
        assert {k: v for k, v in kept.items() if k in answers} == {
            q: v for q, v in answers.items() if q not in ruleset.steps[number - 1].questions
        }


def test_back_keeps_the_answers_of_later_steps_too(post_step, ruleset):
    answers = answers_up_to(ruleset, 3, none_answers(ruleset))
    shown_html = post_step(3, answers, go="back").get_data(as_text=True)
    hidden = step_form_fields(shown_html)
    for question_id in ruleset.steps[2].questions:
        assert hidden[question_id] == answers[question_id]
    forward = post_step(2, {**hidden, **answers_up_to(ruleset, 2, answers)})
    shown = page(forward)
    assert shown.title.startswith("Step 3 of ")
    for question_id in ruleset.steps[2].questions:
        assert checked(shown, question_id) == [answers[question_id]]


def test_the_summary_leads_to_the_result_and_each_change_button_to_its_step(post_step, ruleset):
    answers = none_answers(ruleset)
    summary = len(ruleset.steps) + 1
    result = page(post_step(summary, answers))
    heading = ruleset.levels[Level.NONE].heading["en"]
    assert result.title == f"Result: {heading} - Pump Check"
    for number in range(1, len(ruleset.steps) + 1):
        shown = page(post_step(summary, answers, go=f"step-{number}"))
        assert shown.title.startswith(f"Step {number} of ")


# Urgent: keep going, but say so at the top ------------------------------------------------------


def test_an_urgent_answer_is_said_at_the_top_of_every_later_step(client, post_step, ruleset):
    later = [q for q in ruleset.questions if ruleset.step_of[q.id] < len(ruleset.steps)]
    urgent = answer_giving(ruleset, Level.URGENT, [q for q in later if ruleset.step_of[q.id] > 1])
    assert urgent, "the rules have an answer that alone is urgent"
    ((question_id, value),) = urgent.items()
    pages = walk(client, post_step, ruleset, {**none_answers(ruleset), **urgent})
    action = ruleset.levels[Level.URGENT].action["en"].split("{")[0].strip()
    for number, response in enumerate(pages, start=2):
        html = response.get_data(as_text=True)
        main = html[html.index("<main") :]
        if number <= ruleset.step_of[question_id]:
            assert 'id="so-far"' not in main
            continue
        assert main.index('id="so-far"') < main.index("<h1"), "said at the top"
        card = main[main.index('id="so-far"') :]
        card = card[: card.index("</div>")]
        assert action in card and 'href="tel:5550100"' in card


# Never withhold: skipped answers, errors, answers that cannot be read -----------------------


def test_missing_answers_get_a_short_summary_linking_to_the_first(post_step, ruleset):
    step = ruleset.steps[1]
    choices = [q for q in step.questions if not ruleset.question(q).number]
    answers = answers_up_to(ruleset, 1, none_answers(ruleset))
    response = post_step(2, answers)
    assert response.status_code == 400
    shown = page(response)
    assert shown.title.startswith("Error: Step 2 of ")
    summary = response.get_data(as_text=True).split('id="error-summary"')[1].split("</div>")[0]
    noun = "question" if len(choices) == 1 else "questions"
    assert f"You have not answered {len(choices)} {noun}" in summary
    assert re.findall(r'href="#([^"]+)"', summary) == [f"{choices[0]}-0"]
    for question_id in choices:  # the question's own words beside it
        assert f"Choose an answer for: {ruleset.question(question_id).text['en']}" in shown.text


def test_skipped_questions_still_show_an_emergency(post_step, ruleset):
    chosen = emergency_after_the_first_step(ruleset) or emergency_red_flag(ruleset)
    last = max(ruleset.step_of[q] for q in chosen)
    answers = {**answers_up_to(ruleset, 1, none_answers(ruleset)), **chosen}  # steps 2.. skipped
    response = post_step(last, answers)
    assert response.status_code == 200
    shown = page(response)
    assert shown.title == "Result: Emergency - Pump Check"
    skipped = [q for n, s in steps_of(ruleset)[:last] for q in s.questions if q not in answers]
    if skipped:
        assert f"You skipped {len(skipped)} question" in shown.text


def test_missing_answers_with_urgent_ones_show_the_step_and_the_urgent_advice(post_step, ruleset):
    urgent = answer_giving(ruleset, Level.URGENT, [q for q in ruleset.questions if ruleset.step_of[q.id] > 1])
    number = ruleset.step_of[next(iter(urgent))]
    answers = {**answers_up_to(ruleset, number - 1, none_answers(ruleset)), **urgent}
    response = post_step(number, answers)
    html = response.get_data(as_text=True)
    if len(ruleset.steps[number - 1].questions) > 1:
        assert response.status_code == 400 and "error-summary" in html
    assert 'id="so-far"' in html and 'href="tel:5550100"' in html


@pytest.mark.parametrize(
    "field, bad", [("answer", "maybe"), ("answer", "0" * 20), ("step", "99"), ("step", "two")]
)
def test_an_answer_that_cannot_be_read_shows_an_error_and_still_the_emergency(client, ruleset, field, bad):
    from helpers import csrf_token

    red_flag = emergency_red_flag(ruleset)
    data = {
        **answers_up_to(ruleset, 1, none_answers(ruleset)),
        **red_flag,
        "step": "3",
        "go": "next",
        "csrf_token": csrf_token(client),
    }
    if field == "step":
        data["step"] = bad
    else:
        data[next(q for q in ruleset.steps[0].questions if q not in red_flag)] = bad
    response = client.post("/check", data=data)
    assert response.status_code == 400
    shown = page(response)
    assert shown.title.startswith("Some of your answers could not be read")
    assert "Call 911 now." in shown.text and shown.find("a", href="tel:911")
    assert_numbers_shown(response)


def test_an_answer_that_cannot_be_read_without_warning_signs_says_start_again(post_step, ruleset):
    shown = page(post_step(3, {ruleset.steps[0].questions[0]: "maybe"}))
    assert shown.title.startswith("Some of your answers could not be read")
    assert 'id="so-far"' not in str(shown.elements) and "Please start the check again" in shown.text


def test_a_wrong_answer_on_the_step_itself_is_shown_beside_it(post_step, ruleset):
    question_id = ruleset.steps[0].questions[0]
    response = post_step(1, {**answers_up_to(ruleset, 1, none_answers(ruleset)), question_id: "maybe"})
    assert response.status_code == 400
    text = ruleset.question(question_id).text["en"]
    assert f"Choose one of the answers shown for: {text}" in page(response).text


# Days since surgery: bands at the rules' own limits, or a number, or "I do not know" -----------


def test_days_are_asked_in_bands_with_i_do_not_know(post_step, ruleset):
    if not ruleset.bands:
        pytest.skip("no number question is compared with a limit")
    question_id, bands = next(iter(ruleset.bands.items()))
    number = ruleset.step_of[question_id]
    shown = page(post_step(1, {}, go=f"step-{number}"))
    values = [a["value"] for a in shown.find("input", name=question_id)]
    assert values == [band.value for band in bands] + ["unknown"]
    assert "I do not know" in shown.text and "(optional)" in shown.text


@pytest.mark.parametrize("typed", ["", "unknown", "0", "30", "31", "3650", "+7", "007"])
def test_a_number_or_a_band_is_kept_as_its_band(post_step, ruleset, typed):
    question_id, bands = next(iter(ruleset.bands.items()))
    question = ruleset.question(question_id)
    number = ruleset.step_of[question_id]
    shown = page(post_step(number + 1, {question_id: typed}, go="back"))
    want = (
        []
        if typed == ""
        else ["unknown"]
        if typed == "unknown"
        else [next(band.value for band in bands if int(typed) in band)]
    )
    assert checked(shown, question_id) == want
    assert question.minimum <= 0


@pytest.mark.parametrize("typed", ["abc", "1.5", "-1", "3651", "9" * 40, "12 days"])
def test_a_number_out_of_range_cannot_be_read(post_step, ruleset, typed):
    question_id = next(iter(ruleset.bands))
    response = post_step(len(ruleset.steps) + 1, {**none_answers(ruleset), question_id: typed})
    assert response.status_code == 400
    assert page(response).title.startswith("Some of your answers could not be read")


def test_a_band_decides_every_rule_as_its_numbers_do(ruleset):
    for question_id, bands in ruleset.bands.items():
        question = ruleset.question(question_id)
        assert bands[0].low == question.minimum and bands[-1].high == question.maximum
        for band, following in itertools.pairwise(bands):
            assert following.low == band.high + 1
        mildest = none_answers(ruleset)
        worst = {q.id: q.values[-1] for q in ruleset.questions if not q.number}
        for answers in (mildest, worst):
            for band in bands:
                levels = {
                    engine.evaluate(ruleset, {**answers, question_id: n}).level
                    for n in range(band.low, band.high + 1)
                }
                assert len(levels) == 1, (band, levels)


# The language switch re-posts the answers ------------------------------------------------------


def test_the_language_switch_on_a_step_keeps_every_answer(client, post_step, ruleset):
    answers = answers_up_to(ruleset, 2, none_answers(ruleset))
    html = post_step(2, answers).get_data(as_text=True)
    switch = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', switch))
    assert {k: v for k, v in fields.items() if k in answers} == answers
    assert fields["step"] == "2" and fields["go"] == "next"
    again = client.post("/check", data={**fields, "lang": "es"})
    shown = page(again)
    assert shown.title.startswith("Paso 3 de ")
    assert step_form_fields(again.get_data(as_text=True))["lang"] == "es"


# A rule file without steps ---------------------------------------------------------------------


def test_a_rule_file_without_steps_asks_the_emergency_signs_first(tmp_path):
    from test_rules import MINIMAL

    app = create_app({**TEST_CONFIG, "RULES_FILE": str(MINIMAL)})
    ruleset = app.extensions["pump_check"].ruleset
    assert [len(step.questions) for step in ruleset.steps] == [len(ruleset.questions)]
    shown = page(app.test_client().get("/check"))
    assert shown.title == "Step 1 of 1: Your symptoms - Pump Check"
