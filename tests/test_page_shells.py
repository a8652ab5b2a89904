"""Pages kept in parts (triage/shells.py, fragments.page) are the pages rendered whole.

Two apps on the same rules: one keeps pages (the default), one renders every page whole
(KEEP_PAGES false). The same posts to both must give the same bytes, but for the CSRF token:
every step after every other, with different answers, Back, a typed number and the language
switch, in every language. The answers are derived from the loaded rules.
"""

from __future__ import annotations

import re

import pytest
from helpers import CSRF_TOKEN, TEST_CONFIG, token_in

from triage import create_app, engine
from triage.engine.model import Level


@pytest.fixture(scope="module")
def apps():
    config = {**TEST_CONFIG, "WTF_CSRF_ENABLED": False}
    return create_app(config), create_app({**config, "KEEP_PAGES": False})


def _without_tokens(page: str) -> str:
    return CSRF_TOKEN.sub('name="csrf_token" value=""', page)


def _answer_sets(ruleset):
    """Answers below urgent (a step page with no advice so far), each question's answers in
    turn: the mildest, then each rotation of the options, keeping a rotation only where it
    leaves the result below urgent."""
    sets = []
    for turn in range(4):
        answers: dict[str, str] = {}
        for position, question in enumerate(ruleset.questions):
            if question.number:
                answers[question.id] = ["", "12", "unknown", "400"][turn]
                continue
            value = question.values[(position + turn) % len(question.values)]
            trial = {**answers, question.id: value}
            given = {k: v for k, v in trial.items() if v and not ruleset.question(k).number}
            keep = engine.evaluate(ruleset, given).level < Level.URGENT
            answers[question.id] = value if keep else question.values[0]
        sets.append(answers)
    return sets


def test_every_step_page_kept_in_parts_is_the_page_rendered_whole(apps):
    keeping, whole = apps
    plan = keeping.extensions["pump_check"].plan
    posts = []
    for answers in _answer_sets(plan.ruleset):
        for number in range(1, plan.count + 1):
            given = {q: answers[q] for k in range(1, number + 1) for q in plan.step(k).questions}
            later = {q: answers[q] for k in range(number + 1, plan.count + 1) for q in plan.step(k).questions}
            posts.append({"step": str(number), "go": "next", **given})
            posts.append({"step": str(number), "go": "back", **given, **later})
            posts.append({"step": str(number), "go": "stay", "lang": "es", **given})
    clients = keeping.test_client(), whole.test_client()
    compared = 0
    for language in plan.ruleset.languages:
        for data in posts:
            pages = [
                c.post("/check", data={"lang": language, **data}).get_data(as_text=True) for c in clients
            ]
            assert _without_tokens(pages[0]) == _without_tokens(pages[1]), (language, data)
            compared += 'name="step"' in pages[0]
            tokens = [CSRF_TOKEN.findall(page) for page in pages]
            assert len(tokens[0]) == len(tokens[1]) and len(set(tokens[0])) == 1, tokens  # one token a page
            assert tokens[0][0].count(".") == 2, tokens[0][0]  # a signed token, not a stand-in
    kept = [key for key in keeping.extensions["pump_check_fragments"] if "shell" in key]
    assert kept, "no step page was kept in parts: the comparison compared nothing"
    assert compared > len(posts)  # most posts gave a step page


@pytest.mark.parametrize("path", ["/", "/check", "/when-to-call", "/check?lang=es"])
def test_a_page_kept_whole_is_the_page_rendered_whole(apps, path):
    pages = [app.test_client().get(path).get_data(as_text=True) for app in apps]
    assert _without_tokens(pages[0]) == _without_tokens(pages[1])
    assert re.search("stand-in|\ue000", pages[0]) is None


def test_the_token_on_every_kept_step_page_is_this_visitors_own():
    """With CSRF on: each step page's token (filled into a kept page) carries the check on,
    and is refused to another visitor. (Every token on a page is the same: see above.)"""
    app = create_app(TEST_CONFIG)
    visitor, other = app.test_client(), app.test_client()
    other.get("/check")
    plan = app.extensions["pump_check"].plan
    mildest = {q.id: q.values[0] for q in plan.ruleset.questions if not q.number}
    page = visitor.get("/check").get_data(as_text=True)
    for number in range(1, plan.count + 1):
        token = token_in(page)
        answers = {
            q: mildest[q] for k in range(1, number + 1) for q in plan.step(k).questions if q in mildest
        }
        data = {"csrf_token": token, "step": str(number), "go": "next", **answers}
        assert other.post("/check", data=data).status_code == 400
        response = visitor.post("/check", data=data)
        assert response.status_code == 200, (number, response.get_data(as_text=True)[:300])
        page = response.get_data(as_text=True)


def _without_time(page: str) -> str:
    """The two apps answer a second apart: the time a result was checked may differ."""
    return re.sub(r"<time [^>]*>[^<]*</time>", "<time></time>", _without_tokens(page))


def test_every_result_page_kept_in_parts_is_the_page_rendered_whole(apps):
    keeping, whole = apps
    ruleset = keeping.extensions["pump_check"].plan.ruleset
    plan = keeping.extensions["pump_check"].plan
    mildest = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    posts = [dict(mildest), {**mildest, **{q: "" for q in list(mildest)[::3]}}]  # some skipped
    for question in ruleset.questions:  # each answer alone, with the rest mildest
        for value in question.values[1:] if not question.number else ["12", "unknown", ""]:
            posts.append({**mildest, question.id: str(value)})
    first = plan.step(1).questions
    posts += [{"step": "1", **{q: v for q, v in post.items() if q in first}} for post in posts[2:]]
    posts.append({q: ruleset.question(q).values[-1] for q in mildest})  # every answer at its worst
    clients = keeping.test_client(), whole.test_client()
    for language in ruleset.languages:
        for data in posts:
            sent = {"lang": language, **data}
            pages = [client.post("/check", data=sent).get_data(as_text=True) for client in clients]
            assert _without_time(pages[0]) == _without_time(pages[1]), (language, data)
    kept = keeping.extensions["pump_check_fragments"]
    levels = {key[3][2] for key in kept if key[2] == "shell" and key[3][0] == "result"}
    assert len(levels) >= 2, "results at fewer than two levels were kept: nothing much was compared"
