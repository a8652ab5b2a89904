"""A rule file tried on the pages it drives: names the pages post, and one walk through each.

A rule file can be valid and safe and still break the pages: a question named like a field call
mode posts (`reference`), or a step named like a page of the check (`result`), makes every post a
refusal (issue 25, M2). `reserved_problems` finds those by the forms' own names, with file:line;
create_app refuses such a file and `flask rules verify` reports it. `walk_problems` then goes
through the check as a patient would (every page with its mildest answers, then each sign ticked
on its own) and through a call, with the app's own test client, and reports any page that
answers with a refusal or an error.
"""

from __future__ import annotations

import re

from .engine.model import RuleSet
from .nurse.callform import details_field_names
from .rules.yamlfile import Problem
from .startup import StartupError


class ReservedNames(StartupError):
    """The rule file names something the pages need for themselves; `problems` says where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        listed = "\n".join(str(problem) for problem in problems)
        super().__init__(f"the rule file names something the pages need for themselves:\n{listed}")


FIELD = re.compile(r'type="(radio|checkbox)" id="[^"]*" name="([^"]+)" value="([^"]*)"')


def reserved_problems(app, ruleset: RuleSet) -> list[Problem]:
    """Every question, area or step of the rule file whose id a page needs for itself."""
    taken = details_field_names()
    words = {
        rule.rule.split("/")[2]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/check/") and "<" not in rule.rule.split("/")[2]
    }
    found = []
    for question in ruleset.questions:
        if question.id in taken:
            found.append(
                Problem(
                    ruleset.file,
                    question.line,
                    f"question '{question.id}': call mode posts a field of that name "
                    f"({', '.join(sorted(taken))} are taken); choose another id",
                )
            )
    for step in ruleset.steps:
        for area in step.areas:
            if area.id in taken:
                found.append(
                    Problem(
                        ruleset.file,
                        0,
                        f"area '{area.id}': call mode posts a field of that name; choose another",
                    )
                )
        if step.id in words:
            found.append(
                Problem(
                    ruleset.file,
                    step.line,
                    f"step '{step.id}': /check/{step.id} is a page of the check itself "
                    f"({', '.join(sorted(words))} are taken); choose another id",
                )
            )
    return found


def walk_problems(app) -> list[Problem]:
    """Walk the check twice (every page at its mildest; every sign that opens questions ticked,
    so each details page is shown) and a call, with the app's test client; return each page
    that answered with a refusal or an error."""
    ruleset = app.extensions["pump_check"].ruleset
    areas = {area.id for step in ruleset.steps for area in step.areas}
    app.config["WTF_CSRF_ENABLED"] = False
    problems: list[str] = []
    client = app.test_client()

    def send(path: str, data: dict) -> str | None:
        response = client.post(path, data=data)
        if response.status_code != 303:
            problems.append(f"POST {path} answered {response.status_code}, not the next page")
            return None
        return response.headers["Location"]

    def walk(ticks: dict[str, list[str]]) -> None:
        address = send("/check/new", {})
        for _ in range(3 * len(ruleset.steps) + 2):
            if address is None or address.endswith("/check/result"):
                break
            page = client.get(address)
            if page.status_code != 200:
                problems.append(f"GET {address} answered {page.status_code}")
                return
            fields: dict[str, list[str]] = {}
            for _kind, name, value in FIELD.findall(page.get_data(as_text=True)):
                fields.setdefault(name, []).append(value)
            # the mildest: a choice's first answer, a checklist's last ("None of these")
            data: dict[str, object] = {
                name: values[-1 if name in areas else 0] for name, values in fields.items()
            }
            data.update({area: signs for area, signs in ticks.items() if area in data})
            address = send(address, data)
        if address is not None and client.get("/check/result").status_code not in (200, 303):
            problems.append("GET /check/result failed")

    walk({})
    walk(
        {
            area.id: [sign.id for sign in area.signs if sign.opens]
            for step in ruleset.steps
            for area in step.areas
            if any(sign.opens for sign in area.signs)
        }
    )
    answers = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    call = client.post("/call", data={**answers, "reference": "TEST", "call_language": ruleset.languages[0]})
    if call.status_code != 200:
        problems.append(f"POST /call answered {call.status_code}")
    return [Problem(ruleset.file, 0, message) for message in sorted(set(problems))]
