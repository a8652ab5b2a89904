"""The API's contract as an OpenAPI 3.1 document, generated from the loaded rule set.

Pure Python (no Flask): `document(ruleset, languages, body_limit)` returns a plain dict that the
API serves at GET /api/v1/openapi.json: the operations, parameters and responses here, the body
schemas (their vocabulary read from the rule set) in openapi_schemas.py. The app builds it once
at start-up, as it loads the rule set.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.model import RuleSet
from ..web import fhir
from .openapi_schemas import OPENAPI_VERSION, enum, ref, schemas

JSON = "application/json"
NO_STORE = {
    "Cache-Control": {
        "description": "Always `no-store`: no cache may keep an answer.",
        "schema": {"type": "string", "const": "no-store"},
    }
}


def _error(description: str, **headers: dict) -> dict:
    response = {"description": description, "content": {JSON: {"schema": ref("Error")}}}
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
            "schema": enum(languages),
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
            "schema": {**enum(["json", "fhir"]), "default": "json"},
            "description": "`fhir` returns the check as a FHIR R4 Bundle.",
        },
    }


def paths() -> dict:
    """Return every /api/v1 and /fhir operation."""
    language = [{"$ref": "#/components/parameters/lang"}, {"$ref": "#/components/parameters/AcceptLanguage"}]
    questions = _ok("The rule set's questions, in the form's order.", {JSON: {"schema": ref("Questions")}})
    result = _ok(
        "The result: the level, every warning and why, and what was not answered.",
        {JSON: {"schema": ref("TriageResult")}, fhir.MEDIA_TYPE: {"schema": ref("FhirBundle")}},
    )
    questionnaire = _ok(
        "The questions as a FHIR R4 Questionnaire.", {fhir.MEDIA_TYPE: {"schema": ref("FhirQuestionnaire")}}
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
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("TriageRequest")}}},
                "responses": {"200": result, **refused},
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": _ok("The OpenAPI document.", {JSON: {"schema": ref("OpenAPI")}}, language=False),
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
