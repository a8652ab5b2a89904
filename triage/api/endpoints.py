"""The JSON API for clinic systems: the questions, and a triage of answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, current_app, jsonify, make_response, request
from flask_babel import gettext
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from .. import engine
from ..engine.model import Level, Question, Result, RuleSet
from ..web import fhir, i18n
from ..web.errors import clip, error
from ..web.shared import contacts, csrf, loaded
from . import openapi, retired
from .openapi_schemas import v1_level

bp = Blueprint("api", __name__, url_prefix="/api/v1")
fhir_bp = Blueprint("fhir", __name__, url_prefix="/fhir")


class BadRequest(Exception):
    """The body is not a JSON object we can read."""


OPENAPI_KEY = "pump_check_openapi"  # app.extensions: the encoded OpenAPI document


def _refuse_duplicates(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise BadRequest(f"the key {clip(repeated)!r} appears more than once")
    return result


def _refuse_constant(name):
    raise BadRequest(f"{name} is not a number JSON allows")


def _clip_message(message: str) -> str:
    """Shorten a message that repeats a huge key or value, keeping its start and its end."""
    return message if len(message) <= 500 else message[:150] + " ... " + message[-300:]


def question_json(question: Question, language: str = "en") -> dict:
    data: dict[str, object] = {
        "id": question.id,
        "text": question.text.in_language(language),
        "hint": question.hint.in_language(language) if question.hint else None,
    }
    if question.number:
        data.update(type="number", min=question.minimum, max=question.maximum, optional=True)
    else:
        data.update(
            type="choice",
            default=question.values[0],
            options=[{"value": o.value, "label": o.label.in_language(language)} for o in question.options],
        )
    return data


def unanswered_ids(ruleset: RuleSet, answers: Mapping[str, object]) -> list[str]:
    """Return the ids of the questions a request did not answer, in the rule file's order.

    A question counts as answered when its id is sent, even as null ("not known"); the engine
    takes a choice question that was not sent as its first (mildest) option.
    """
    return [question.id for question in ruleset.questions if question.id not in answers]


def level_words(ruleset: RuleSet, result: Result, unanswered: list[str], language: str) -> tuple[str, str]:
    """Return the result's heading and action, saying so when a `none` rests on fewer answers."""
    level_text = ruleset.levels[result.level]
    heading = level_text.heading.in_language(language)
    action = level_text.action.in_language(language).format(**contacts())
    if unanswered and result.level is Level.NONE:
        heading = gettext("No warning signs in the answers given")
        action = " ".join(
            (
                gettext(
                    "Questions not answered: %(count)s. This check is not complete.", count=len(unanswered)
                ),
                action,
            )
        )
    return heading, action


def unanswered_note(unanswered: list[str], heading: str) -> str:
    """Return the FHIR note on a check with questions unanswered: the heading, then which."""
    label = gettext("Questions not answered")
    return f"{heading}. {label}: {', '.join(unanswered)}."


def whole_numbers(ruleset: RuleSet, answers: dict) -> dict:
    """Read a number question's 12.0 or 1.2e1 as 12, as JSON (and JSON Schema) do.

    JSON has one kind of number: `12.0` is the integer 12 to JSON Schema, so the OpenAPI
    document's `integer` allows it, and Schemathesis found the API refusing it. 12.5 is still
    refused by the engine's checker, and so are true, "12" and numbers out of range.
    """
    fixed = {}
    for question in ruleset.questions:
        value = answers.get(question.id)
        if question.number and isinstance(value, float) and value.is_integer():
            fixed[question.id] = int(value)
    return {**answers, **fixed} if fixed else answers


def result_json(result: Result, ruleset: RuleSet, language: str, unanswered: list[str]) -> dict:
    """Return a result as the API sends it; `unanswered` lists the questions not sent."""
    heading, action = level_words(ruleset, result, unanswered, language)
    numbers = contacts()
    return {
        "level": v1_level(result.level),
        "disposition": result.level.id,
        "complete": not unanswered,
        "unanswered": unanswered,
        "heading": heading,
        "action": action,
        "warnings": [
            {
                "rule": w.rule.id,
                "category": w.rule.category,
                "level": v1_level(w.level),
                "disposition": w.level.id,
                "title": w.rule.title.in_language(language),
                "advice": w.rule.advice.filled(language, numbers),
                "because": [{"question": q, "answer": a} for q, a in w.because],
            }
            for w in result.warnings
        ],
        "rules_version": result.rules_version,
        "rules_digest": result.rules_digest,
    }


def _language() -> str | None:
    """Return the language of the words sent back: ?lang=, else Accept-Language, else English.

    None means ?lang= names a language the rule file does not have. The response's
    Content-Language header says which language was used.
    """
    asked = request.args.get("lang")
    if asked is not None and asked not in i18n.offered():
        return None
    return i18n.language()


def _unknown_language():
    return error(
        422, [{"field": "lang", "message": "unknown language; use one of: " + ", ".join(i18n.offered())}]
    )


@bp.get("/questions")
def questions():
    ruleset = loaded().ruleset
    language = _language()
    if language is None:
        return _unknown_language()
    return jsonify(
        {
            "rules_version": ruleset.version,
            "rules_digest": ruleset.digest,
            "questions": [question_json(q, language) for q in ruleset.questions],
        }
    )


def _read_body() -> bytes:
    """Return the request body; one sent without a length (chunked) may not pass the limit."""
    data = request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    # Werkzeug stops reading a chunked body at the limit without a word; never use a cut body.
    if request.content_length is None and limit is not None and len(data) >= limit:
        raise RequestEntityTooLarge()
    return data


@bp.post("/triage")
def triage():
    ruleset = loaded().ruleset
    language = _language()
    if language is None:
        return _unknown_language()
    output = request.args.get("format", "json")
    if output not in ("json", "fhir"):
        return error(
            400,
            [
                {
                    "field": "format",
                    "message": "use ?format=json (the default) or ?format=fhir (a FHIR R4 Bundle)",
                }
            ],
        )
    if not request.is_json:
        return error(
            415, [{"field": None, "message": "send a JSON body with Content-Type: application/json"}]
        )
    try:
        body = json.loads(_read_body(), object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except BadRequest as problem:
        return error(400, [{"field": None, "message": f"the body is not usable JSON: {problem}"}])
    except (ValueError, RecursionError):
        return error(400, [{"field": None, "message": "the body is not valid JSON"}])
    if not isinstance(body, dict):
        return error(400, [{"field": None, "message": 'the body must be a JSON object: {"answers": {...}}'}])
    extra = sorted(set(body) - {"answers"})
    if extra:
        return error(
            422,
            [{"field": clip(key), "message": "unknown field; only 'answers' is allowed"} for key in extra],
        )
    if "answers" not in body:
        return error(
            422,
            [{"field": "answers", "message": 'is missing; send {"answers": {"question_id": "value", ...}}'}],
        )
    answers = body["answers"]
    if not isinstance(answers, dict):
        return error(422, [{"field": "answers", "message": "must be an object of question id to answer"}])
    answers, found = retired.translate(ruleset, answers)
    try:
        if found:
            raise engine.AnswerProblems(found)
        result = engine.evaluate(ruleset, whole_numbers(ruleset, answers))
    except engine.AnswerProblems as problems:
        return error(
            422,
            [
                {"field": f"answers.{clip(field)}", "message": _clip_message(message)}
                for field, message in problems.problems
            ],
        )
    unanswered = unanswered_ids(ruleset, answers)
    if output == "fhir":
        heading, action = level_words(ruleset, result, unanswered, language)
        note = unanswered_note(unanswered, heading) if unanswered else None
        bundle = fhir.check_bundle(
            ruleset,
            result,
            datetime.now().astimezone(),
            contacts(),
            language,
            unanswered=unanswered,
            action=action,
            note=note,
        )
        return fhir_json(bundle)
    return jsonify(result_json(result, ruleset, language, unanswered))


def fhir_json(resource: dict):
    """Return a FHIR resource as application/fhir+json."""
    response = make_response(json.dumps(resource, ensure_ascii=False))
    response.mimetype = fhir.MEDIA_TYPE
    return response


@bp.get("/openapi.json")
def openapi_document():
    """Serve the API's OpenAPI document, built once for the loaded rule set."""
    response = make_response(current_app.extensions[OPENAPI_KEY])
    response.mimetype = "application/json"
    return response


@fhir_bp.get("/Questionnaire")
@fhir_bp.get("/Questionnaire/<resource_id>")
def questionnaire(resource_id: str = fhir.QUESTIONNAIRE_ID):
    if resource_id != fhir.QUESTIONNAIRE_ID:
        raise NotFound()
    language = _language()
    if language is None:
        return _unknown_language()
    return fhir_json(fhir.questionnaire(loaded().ruleset, language))


def init_app(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(fhir_bp)
    with app.app_context():
        languages = i18n.offered()
    # Fixed for the app's life, like the rule set it describes: built and encoded once.
    document = openapi.document(
        app.extensions["pump_check"].ruleset, languages, app.config["MAX_CONTENT_LENGTH"]
    )
    app.extensions[OPENAPI_KEY] = json.dumps(document, ensure_ascii=False, indent=1).encode()
