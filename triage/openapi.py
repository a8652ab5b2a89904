"""The API's contract as an OpenAPI 3.1 document, generated from the loaded rule set.

Pure Python (no Flask): `document(ruleset, languages, body_limit)` returns a plain dict that the
API serves at GET /api/v1/openapi.json. Everything a client may send or receive that the rule
file decides (the question ids, each choice's values, the number's range, the rule, category
and level ids, the version and digest) is read from the rule set, so the document can never
disagree with rules.yaml. The app builds it once at start-up, as it loads the rule set.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import fhir
from .model import LEVEL_IDS, Question, RuleSet

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
REF = "#/components/schemas/"
NO_STORE = {
    "Cache-Control": {
        "description": "Always `no-store`: no cache may keep an answer.",
        "schema": {"type": "string", "const": "no-store"},
    }
}


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _labels(question: Question) -> str:
    return "; ".join(f"`{o.value}`: {o.label.in_language('en')}" for o in question.options)


def answer_schema(question: Question) -> dict:
    """Return the JSON Schema of one question's answer: a choice's values, or the number's range."""
    text = question.text.in_language("en")
    if question.number:
        schema: dict = {
            "type": ["integer", "null"],
            "description": f"{text} A whole number, or null if not known.",
        }
        if question.minimum is not None:
            schema["minimum"] = question.minimum
        if question.maximum is not None:
            schema["maximum"] = question.maximum
        return schema
    return {
        "type": "string",
        "enum": list(question.values),
        "default": question.values[0],
        "description": f"{text} Left out, it means `{question.values[0]}`. {_labels(question)}.",
    }


def _object(properties: dict, required: Sequence[str] | None = None, **more) -> dict:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(properties if required is None else required),
    }
    schema.update(more)
    return schema


def _enum(values: Sequence[str], description: str = "") -> dict:
    schema: dict = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def _question_schemas(ruleset: RuleSet) -> dict:
    """Return the schemas of GET /api/v1/questions' items: one per kind of question present."""
    text = {"type": "string", "minLength": 1}
    hint = {"type": ["string", "null"]}
    kinds = {}
    choice_ids = [q.id for q in ruleset.questions if not q.number]
    number_ids = [q.id for q in ruleset.questions if q.number]
    if choice_ids:
        values = sorted({value for q in ruleset.questions for value in q.values})
        kinds["ChoiceQuestion"] = _object(
            {
                "id": _enum(choice_ids),
                "type": {"const": "choice"},
                "text": text,
                "hint": hint,
                "default": _enum(values, "The first option: what a left-out answer means."),
                "options": {
                    "type": "array",
                    "minItems": 1,
                    "items": _object({"value": _enum(values), "label": text}),
                },
            }
        )
    if number_ids:
        limit = {"type": ["integer", "null"]}
        kinds["NumberQuestion"] = _object(
            {
                "id": _enum(number_ids),
                "type": {"const": "number"},
                "text": text,
                "hint": hint,
                "min": limit,
                "max": limit,
                "optional": {"const": True},
            }
        )
    return kinds


def schemas(ruleset: RuleSet) -> dict:
    """Return the document's component schemas, their vocabularies taken from the rule set."""
    question_ids = [q.id for q in ruleset.questions]
    kinds = _question_schemas(ruleset)
    version = {"const": ruleset.version, "description": "The rule set's version."}
    digest = {"const": ruleset.digest, "description": "A short hash of the rule file's exact bytes."}
    text = {"type": "string", "minLength": 1}
    return {
        "Answers": _object(
            {q.id: answer_schema(q) for q in ruleset.questions},
            required=[],
            description="Question id to answer. Send every answer you have.",
        ),
        "TriageRequest": _object({"answers": _ref("Answers")}),
        "Level": _enum(LEVEL_IDS, "How soon to get help, most urgent first."),
        "Warning": _object(
            {
                "rule": _enum([rule.id for rule in ruleset.rules]),
                "category": _enum(list(ruleset.categories)),
                "level": _enum([level for level in LEVEL_IDS if level != "none"]),
                "title": text,
                "advice": text,
                "because": {
                    "type": "array",
                    "minItems": 1,
                    "items": _object(
                        {"question": _enum(question_ids), "answer": {"type": ["string", "integer", "null"]}}
                    ),
                },
            }
        ),
        "TriageResult": _object(
            {
                "level": _ref("Level"),
                "complete": {"type": "boolean", "description": "True when every question was sent."},
                "unanswered": {
                    "type": "array",
                    "uniqueItems": True,
                    "items": _enum(question_ids),
                    "maxItems": len(question_ids),
                    "description": "The questions not sent, in the rule file's order.",
                },
                "heading": {
                    **text,
                    "description": "The result's heading; a `none` with questions "
                    'unanswered reads "No warning signs in the answers given".',
                },
                "action": {**text, "description": "What to do, with the clinic's numbers."},
                "warnings": {
                    "type": "array",
                    "items": _ref("Warning"),
                    "description": "Every rule that matched, most urgent first.",
                },
                "rules_version": version,
                "rules_digest": digest,
            }
        ),
        **kinds,
        "Questions": _object(
            {
                "rules_version": version,
                "rules_digest": digest,
                "questions": {
                    "type": "array",
                    "minItems": len(question_ids),
                    "maxItems": len(question_ids),
                    "items": {"oneOf": [_ref(name) for name in kinds]},
                },
            }
        ),
        "Problem": _object(
            {
                "field": {
                    "type": ["string", "null"],
                    "description": "`answers.<question id>`, "
                    "another key or parameter, or null for the request as a whole.",
                },
                "message": {**text, "description": "What is wrong and what is allowed, in plain words."},
            }
        ),
        "Error": _object({"errors": {"type": "array", "minItems": 1, "items": _ref("Problem")}}),
        "FhirBundle": _fhir(
            "Bundle",
            {
                "type": {"const": "collection"},
                "entry": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 2,
                    "items": {"type": "object", "required": ["fullUrl", "resource"]},
                },
            },
            "A collection Bundle: a QuestionnaireResponse (the answers) and a RiskAssessment (the result).",
        ),
        "FhirQuestionnaire": _fhir(
            "Questionnaire",
            {
                "id": {"const": fhir.QUESTIONNAIRE_ID},
                "url": {"const": fhir.QUESTIONNAIRE_URL},
                "version": version,
                "item": {"type": "array", "minItems": len(question_ids), "maxItems": len(question_ids)},
            },
            "The rule set's questions as a FHIR R4 Questionnaire.",
        ),
        "OpenAPI": {
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": {"openapi": {"const": OPENAPI_VERSION}},
        },
    }


def _fhir(resource_type: str, properties: dict, description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "externalDocs": {"url": f"https://hl7.org/fhir/R4/{resource_type.lower()}.html"},
        "required": ["resourceType", *properties],
        "properties": {"resourceType": {"const": resource_type}, **properties},
    }


def _error(description: str, **headers: dict) -> dict:
    response = {"description": description, "content": {JSON: {"schema": _ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


def _ok(description: str, content: dict, language: bool = True) -> dict:
    headers = dict(NO_STORE)
    if language:
        headers["Content-Language"] = {
            "description": "The language of the words sent back.",
            "schema": {"type": "string"},
        }
    return {"description": description, "headers": headers, "content": content}


def responses(body_limit: int | None) -> dict:
    """Return the shared responses: every refusal has the same JSON shape."""
    too_large = f"over {body_limit} bytes" if body_limit else "too large"
    return {
        "BadRequest": _error(
            "The body is not usable JSON (invalid JSON or UTF-8, a duplicate "
            "key, NaN or Infinity, nesting too deep, not an object), or "
            "`?format=` is neither `json` nor `fhir`."
        ),
        "NotFound": _error("Nothing at this address."),
        "MethodNotAllowed": _error(
            "A method this address does not take; `Allow` names the right one.",
            Allow={"schema": {"type": "string"}, "required": True},
        ),
        "TooLarge": _error(f"The request body is {too_large}, with or without Content-Length."),
        "UnsupportedMediaType": _error("The body is not sent as `Content-Type: application/json`."),
        "Unprocessable": _error(
            "JSON, but not a check: `answers` missing or not an object, another "
            "top-level key, an unknown question or value (every problem listed, "
            "the first few dozen then a count); or an unknown `lang`."
        ),
        "ServerError": _error(
            "Never for anything a client sends: the server itself failed. Nothing was stored."
        ),
    }


def _use(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def parameters(languages: Sequence[str]) -> dict:
    """Return the shared parameters: the language of the words sent back, and the output format."""
    return {
        "lang": {
            "name": "lang",
            "in": "query",
            "required": False,
            "schema": _enum(languages),
            "description": "The language of the words sent back (default: the best match "
            "for Accept-Language, else the first). Another value is a 422.",
        },
        "AcceptLanguage": {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "Used when `lang` is not given.",
        },
        "format": {
            "name": "format",
            "in": "query",
            "required": False,
            "schema": {**_enum(["json", "fhir"]), "default": "json"},
            "description": "`fhir` returns the check as a FHIR R4 Bundle.",
        },
    }


def paths() -> dict:
    """Return every /api/v1 and /fhir operation."""
    language = [{"$ref": "#/components/parameters/lang"}, {"$ref": "#/components/parameters/AcceptLanguage"}]
    questions = _ok("The rule set's questions, in the form's order.", {JSON: {"schema": _ref("Questions")}})
    result = _ok(
        "The result: the level, every warning and why, and what was not answered.",
        {JSON: {"schema": _ref("TriageResult")}, fhir.MEDIA_TYPE: {"schema": _ref("FhirBundle")}},
    )
    questionnaire = _ok(
        "The questions as a FHIR R4 Questionnaire.", {fhir.MEDIA_TYPE: {"schema": _ref("FhirQuestionnaire")}}
    )
    refused = {
        "400": _use("BadRequest"),
        "413": _use("TooLarge"),
        "415": _use("UnsupportedMediaType"),
        "422": _use("Unprocessable"),
        "500": _use("ServerError"),
    }
    return {
        "/api/v1/questions": {
            "get": {
                "operationId": "listQuestions",
                "summary": "The questions and their answers",
                "parameters": language,
                "responses": {"200": questions, "422": _use("Unprocessable"), "500": _use("ServerError")},
            }
        },
        "/api/v1/triage": {
            "post": {
                "operationId": "triage",
                "summary": "Triage a set of answers",
                "description": "A choice question left out means its first (mildest) option; the "
                "result says which were left out (`complete`, `unanswered`).",
                "parameters": [*language, {"$ref": "#/components/parameters/format"}],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("TriageRequest")}}},
                "responses": {"200": result, **refused},
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": _ok("The OpenAPI document.", {JSON: {"schema": _ref("OpenAPI")}}, language=False),
                    "500": _use("ServerError"),
                },
            }
        },
        "/fhir/Questionnaire": {
            "get": {
                "operationId": "fhirQuestionnaire",
                "summary": "The questions as FHIR",
                "parameters": language,
                "responses": {"200": questionnaire, "422": _use("Unprocessable"), "500": _use("ServerError")},
            }
        },
        "/fhir/Questionnaire/{id}": {
            "get": {
                "operationId": "fhirQuestionnaireRead",
                "summary": "The questions as FHIR, by id",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": f"Only `{fhir.QUESTIONNAIRE_ID}` exists.",
                    },
                    *language,
                ],
                "responses": {
                    "200": questionnaire,
                    "404": _use("NotFound"),
                    "422": _use("Unprocessable"),
                    "500": _use("ServerError"),
                },
            }
        },
    }


def document(ruleset: RuleSet, languages: Sequence[str], body_limit: int | None) -> dict:
    """Return the OpenAPI 3.1 document of the API that serves `ruleset`."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Pump Check API",
            "version": f"1 (rules {ruleset.version}, digest {ruleset.digest})",
            "summary": "Whom to call and how soon, from a patient's answers about their "
            "intrathecal baclofen pump. Not a diagnosis.",
            "description": "JSON in, JSON out; no login, cookie or CSRF token. Nothing sent is "
            'stored or logged. Every refusal is `{"errors": [{"field", '
            '"message"}]}`; a wrong method is a 405 naming the right one in '
            "`Allow`, an unknown address a 404. The answer vocabulary below is "
            f"generated from rule set {ruleset.version}.",
        },
        "paths": paths(),
        "components": {
            "schemas": schemas(ruleset),
            "responses": responses(body_limit),
            "parameters": parameters(languages),
        },
    }
