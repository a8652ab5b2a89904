"""The patient's pages: the start, each page of the check at its own address, and the result.

Every page is a GET page; a page's form posts to its own address, and the post answers with a
redirect (303) to the next page's address, so the phone's Back, forward and reload show a page
with its answers (GOV.UK "question pages"). The answers stay in the person's own browser
(store.py). After every post the answers so far are evaluated: an emergency, or a result urgent
enough to call now, ends the check at once with its card (flow.py); a page sent with answers
missing or unreadable keeps what could be read, shows the advice those already call for, and asks
again.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from ..engine.model import Level
from ..web.shared import loaded
from . import flow, reading, results, store
from .given import Given, for_caregiver

bp = Blueprint("check", __name__)


@bp.get("/")
def start():
    return render_template("start.html")


@bp.post("/check/new")
def new_check():
    """Start again: forget every answer, then the first page."""
    store.clear()
    return _go(flow.pages(loaded().ruleset, Given())[0])


@bp.get("/check")
def resume():
    """The first page not yet answered (a new check starts at the first page)."""
    ruleset = loaded().ruleset
    given = store.load(ruleset)
    return _go(flow.next_page(ruleset, given) or flow.pages(ruleset, given)[0])


@bp.route("/check/<step_id>", methods=["GET", "POST"])
def step(step_id: str):
    return _page(step_id, details=False)


@bp.route("/check/<step_id>/details", methods=["GET", "POST"])
def details(step_id: str):
    return _page(step_id, details=True)


@bp.post("/check/more")
def answer_more():
    """Go on past a result that said to call: a later answer may still make it more urgent."""
    ruleset = loaded().ruleset
    given = store.load(ruleset)
    given.past = max(given.past, flow.result(ruleset, given).level)
    store.save(ruleset, given)
    return _go(flow.next_page(ruleset, given))


@bp.get("/check/result")
def result():
    ruleset = loaded().ruleset
    given = store.load(ruleset)
    if not (flow.stops(ruleset, given) or flow.complete(ruleset, given) or given.past > Level.NONE):
        return _go(flow.next_page(ruleset, given))
    g.pump_check_caregiver = for_caregiver(ruleset, given)
    return results.page(ruleset, given)


def _go(page):
    """Redirect (303: a post's answer is always a GET) to a page, or to the result for None."""
    if page is None:
        return redirect(url_for("check.result"), 303)
    endpoint = "check.details" if page.details else "check.step"
    return redirect(url_for(endpoint, step_id=page.step.id), 303)


def _page(step_id: str, details: bool):
    ruleset = loaded().ruleset
    given = store.load(ruleset)
    page = flow.find(ruleset, given, f"{step_id}/{flow.DETAILS}" if details else step_id)
    if page is None:
        if details and any(s.id == step_id for s in ruleset.steps):
            return _go(flow.next_page(ruleset, given))  # nothing ticked opens a question here
        abort(404)
    form_class = loaded().page_forms[page.step.id, page.details]
    if request.method == "POST":
        return _answered(ruleset, given, page, form_class(formdata=request.form))
    g.pump_check_caregiver = for_caregiver(ruleset, given)
    form = form_class(formdata=None, data=reading.shown_answers(page, given))
    problems = store.take_problems(page.address)
    for name, message in problems.items():
        if name in form:
            form[name].errors = [message]
    so_far = flow.result(ruleset, given)
    previous = flow.previous(ruleset, given, page)
    return render_template(
        "page.html",
        ruleset=ruleset,
        page=page,
        form=form,
        fields=[form[name] for name in reading.field_names(page, given)],
        problems=problems,
        so_far=so_far if so_far.level > Level.NONE else None,
        back=url_for("check.details" if previous.details else "check.step", step_id=previous.step.id)
        if previous
        else url_for("check.start"),
        count=len(flow.pages(ruleset, given)),
        position=[p.address for p in flow.pages(ruleset, given)].index(page.address) + 1,
    ), (400 if problems else 200)


def _answered(ruleset, given: Given, page: flow.Page, form):
    """Keep what a post could read, then go where the answers lead (see the module's note)."""
    problems = reading.read(given, page, form)
    store.save(ruleset, given)
    if flow.stops(ruleset, given):
        return _go(None)
    if problems:
        store.keep_problems(page.address, problems)
        return _go(page)
    return _go(flow.next_page(ruleset, given))


def init_app(app) -> None:
    app.register_blueprint(bp)
    results.init_app(app)
