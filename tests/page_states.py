"""Every page of the patient's check and each state it can be in, reached as a browser reaches
them (tests/walker.py) with choices derived from the loaded rules: for the HTML checker, the page
weights and the reading level.
"""

from __future__ import annotations

from walker import Page, Walker, choice_per_level, choice_reaching, pick, read, sign_reaching, worst

from triage.engine.model import Level
from triage.patient import results


def page_states(app, language: str) -> dict[str, Page]:
    """Name -> page, for every page and state of the check in `language` (see the module's note).

    The app must have CSRF on (the default test settings): a refused token is one of the states.
    """
    ruleset = app.extensions["pump_check"].ruleset
    client = app.test_client()
    client.get(f"/?lang={language}")  # the language cookie, as the switch sets it
    walker = Walker(client)
    found = {"start": walker.open("/")}

    # Each page of a well person's check, as first shown, as shown again (Back), and sent blank.
    walker.start()
    while not walker.page.is_result:
        found[f"page {walker.page.address}"] = walker.page
        walker.send(walker.mildest())
    for step in ruleset.steps:
        found[f"page {step.id}, answered"] = walker.open(f"/check/{step.id}")
        found[f"page {step.id}, sent blank"] = walker.send({})

    # Each details page: every sign of its step that opens a question, ticked.
    for step in ruleset.steps:
        opening = {area.id: [sign.id for sign in area.signs if sign.opens] for area in step.areas}
        opening = {area: signs for area, signs in opening.items() if signs}
        if not opening:
            continue
        walker.start()
        while walker.page.address != f"/check/{step.id}":
            walker.send(walker.mildest())
        details = walker.send({**walker.mildest(), **opening})
        if details.address.endswith("/details"):
            found[f"details {step.id}"] = details
            found[f"details {step.id}, sent blank"] = walker.send({})

    # A result at each level: where the check stops ("Answer the remaining pages"), and with every
    # page answered; every sign ticked; and the plain page shown when a result cannot be drawn.
    shown = {}
    for level, chosen in [*choice_per_level(ruleset, pairs=True).items(), ("worst", worst(ruleset))]:
        name = level if isinstance(level, str) else level.id
        walker.start()
        found[f"result {name}"] = walker.through(pick(chosen))
        found[f"result {name}, every page answered"] = walker.finish(pick(chosen))
        shown[name] = walker.result(ruleset)
    for name, result in shown.items():
        with app.test_request_context(f"/check/result?lang={language}"):
            app.preprocess_request()
            found[f"plain result {name}"] = Page("/check/result", 500, results.plain_page(result))

    # A later page with the urgent advice so far on top, then sent blank.
    urgent = choice_reaching(ruleset, Level.URGENT, first_page=False) or choice_reaching(
        ruleset, Level.URGENT
    )
    if urgent is not None:
        walker.start()
        walker.through(pick(urgent))
        if 'action="/check/more"' in walker.page.html:
            found["page with the urgent advice so far"] = walker.more()
            found["page with the urgent advice so far, sent blank"] = walker.send({})

    # Error pages: not found, wrong method, too much, not a form, and a refused token that still
    # shows the advice of the answers it carried.
    first = f"/check/{ruleset.steps[0].id}"
    found["not found"] = read("/nowhere", client.get("/nowhere"))
    found["wrong method"] = read(first, client.put(first))
    found["too much"] = read(first, client.post(first, data={"x": "y" * 70_000}))
    found["not a form"] = read(first, client.post(first, json={}))
    emergency = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker.start()
    refused = {**walker.mildest(), "csrf_token": "not-a-token"}
    if emergency is not None:
        refused[emergency[1]] = emergency[2].id
    found["token refused"] = read(first, client.post(first, data=refused))
    return found
