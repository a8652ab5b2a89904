"""The JSON API for clinic systems: the questions, and a triage of answers."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, jsonify, make_response, request

from . import engine, fhir
from .model import Question, Result, RuleSet
from .views import contacts, csrf, loaded, no_store

bp = Blueprint("api", __name__, url_prefix="/api/v1")
fhir_bp = Blueprint("fhir", __name__, url_prefix="/fhir")


class BadRequest(Exception):
    """The body is not a JSON object we can read."""


def _refuse_duplicates(pairs):
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise BadRequest(f"the key {repeated[0]!r} appears more than once")
    return dict(pairs)


def _refuse_constant(name):
    raise BadRequest(f"{name} is not a number JSON allows")


def error(status: int, errors: list[dict]):
    """Return a JSON refusal: `errors` is a list of {field, message}."""
    return no_store(jsonify({"errors": errors})), status


def question_json(question: Question, language: str = "en") -> dict:
    data = {"id": question.id, "text": question.text.in_language(language),
            "hint": question.hint.in_language(language) if question.hint else None}
    if question.number:
        data.update(type="number", min=question.minimum, max=question.maximum, optional=True)
    else:
        data.update(type="choice", default=question.values[0], options=[
            {"value": o.value, "label": o.label.in_language(language)} for o in question.options])
    return data


def result_json(result: Result, ruleset: RuleSet, language: str = "en") -> dict:
    return {
        "level": result.level.id,
        "warnings": [{
            "rule": w.rule.id, "category": w.rule.category, "level": w.level.id,
            "title": w.rule.title.in_language(language),
            "advice": w.rule.advice.in_language(language),
            "because": [{"question": q, "answer": a} for q, a in w.because],
        } for w in result.warnings],
        "rules_version": result.rules_version,
        "rules_digest": result.rules_digest,
    }


@bp.get("/questions")
def questions():
    ruleset = loaded().ruleset
    return jsonify({"rules_version": ruleset.version, "rules_digest": ruleset.digest,
                    "questions": [question_json(q) for q in ruleset.questions]})


@bp.post("/triage")
def triage():
    ruleset = loaded().ruleset
    output = request.args.get("format", "json")
    if output not in ("json", "fhir"):
        return error(400, [{"field": "format", "message": "use ?format=json (the default) or "
                            "?format=fhir (a FHIR R4 Bundle)"}])
    if not request.is_json:
        return error(400, [{"field": None, "message":
                            "send a JSON body with Content-Type: application/json"}])
    try:
        body = json.loads(request.get_data(), object_pairs_hook=_refuse_duplicates,
                          parse_constant=_refuse_constant)
    except BadRequest as problem:
        return error(400, [{"field": None, "message": f"the body is not usable JSON: {problem}"}])
    except (ValueError, RecursionError):
        return error(400, [{"field": None, "message": "the body is not valid JSON"}])
    if not isinstance(body, dict):
        return error(400, [{"field": None, "message": 'the body must be a JSON object: '
                            '{"answers": {...}}'}])
    extra = sorted(set(body) - {"answers"})
    if extra:
        return error(422, [{"field": key, "message": "unknown field; only 'answers' is allowed"}
                           for key in extra])
    if "answers" not in body:
        return error(422, [{"field": "answers", "message": "is missing; send "
                            '{"answers": {"question_id": "value", ...}}'}])
    answers = body["answers"]
    if not isinstance(answers, dict):
        return error(422, [{"field": "answers", "message":
                            "must be an object of question id to answer"}])
    try:
        result = engine.evaluate(ruleset, answers)
    except engine.AnswerProblems as problems:
        return error(422, [{"field": f"answers.{field}", "message": message}
                           for field, message in problems.problems])
    if output == "fhir":
        bundle = fhir.check_bundle(ruleset, result, datetime.now().astimezone(), contacts())
        return no_store(fhir_json(bundle))
    return no_store(jsonify(result_json(result, ruleset)))


def fhir_json(resource: dict):
    """Return a FHIR resource as application/fhir+json."""
    response = make_response(json.dumps(resource, ensure_ascii=False))
    response.mimetype = fhir.MEDIA_TYPE
    return response


@fhir_bp.get("/Questionnaire")
@fhir_bp.get(f"/Questionnaire/{fhir.QUESTIONNAIRE_ID}")
def questionnaire():
    return fhir_json(fhir.questionnaire(loaded().ruleset))


def init_app(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(fhir_bp)
