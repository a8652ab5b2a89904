"""The JSON Schemas of the API's bodies, their vocabulary read from the loaded rule set.

Pure Python (no Flask), used by triage/openapi.py. Everything a client may send or receive that
the rule file decides (the question ids, each choice's values, the number's range, the rule,
category and level ids, the version and digest) comes from the rule set, so the document can
never disagree with rules.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.model import LEVEL_IDS, Level, Question, RuleSet
from ..web import fhir

OPENAPI_VERSION = "3.1.0"
REF = "#/components/schemas/"


def ref(name: str) -> dict:
    """Return a reference to one of the document's component schemas."""
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


# /api/v1's `level` keeps its four values (README "API compatibility"): "go to the emergency room
# now" is reported there as emergency, and `disposition` gives all five.
V1_LEVEL_IDS = ("emergency", "urgent", "soon", "none")


def v1_level(level: Level) -> str:
    """Return a level as /api/v1's four-value `level` says it."""
    return "emergency" if level >= Level.EMERGENCY_ROOM else level.id


def enum(values: Sequence[str], description: str = "") -> dict:
    """Return a string schema allowing exactly `values`."""
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
                "id": enum(choice_ids),
                "type": {"const": "choice"},
                "text": text,
                "hint": hint,
                "default": enum(values, "The first option: what a left-out answer means."),
                "options": {
                    "type": "array",
                    "minItems": 1,
                    "items": _object({"value": enum(values), "label": text}),
                },
            }
        )
    if number_ids:
        limit = {"type": ["integer", "null"]}
        kinds["NumberQuestion"] = _object(
            {
                "id": enum(number_ids),
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
            {
                **{q.id: answer_schema(q) for q in ruleset.questions},
                **{
                    old: {
                        "type": "string",
                        "enum": list(meanings),
                        "deprecated": True,
                        "description": "A retired question, still understood: "
                        + "; ".join(
                            f"`{value}` means " + ", ".join(f"{q}: {a}" for q, a in answers.items())
                            for value, answers in meanings.items()
                        )
                        + ".",
                    }
                    for old, meanings in ruleset.retired.items()
                },
            },
            required=[],
            description="Question id to answer. Send every answer you have.",
        ),
        "TriageRequest": _object({"answers": ref("Answers")}),
        "Level": enum(
            V1_LEVEL_IDS,
            "How soon to get help, most urgent first. Four values since /api/v1 began: "
            "`emergency` also covers 'go to the emergency room now' (see `disposition`).",
        ),
        "Disposition": enum(
            LEVEL_IDS,
            "Where to get help and how soon, most urgent first: `emergency` (call 911 now), "
            "`emergency_room` (go to the emergency room now), `urgent` (call the care team now), "
            "`soon` (call within 24 hours), `none`.",
        ),
        "Warning": _object(
            {
                "rule": enum([rule.id for rule in ruleset.rules]),
                "category": enum(list(ruleset.categories)),
                "level": enum([level for level in V1_LEVEL_IDS if level != "none"]),
                "disposition": enum([level for level in LEVEL_IDS if level != "none"]),
                "title": text,
                "advice": text,
                "because": {
                    "type": "array",
                    "minItems": 1,
                    "items": _object(
                        {"question": enum(question_ids), "answer": {"type": ["string", "integer", "null"]}}
                    ),
                },
            }
        ),
        "TriageResult": _object(
            {
                "level": ref("Level"),
                "disposition": ref("Disposition"),
                "complete": {"type": "boolean", "description": "True when every question was sent."},
                "unanswered": {
                    "type": "array",
                    "uniqueItems": True,
                    "items": enum(question_ids),
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
                    "items": ref("Warning"),
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
                    "items": {"oneOf": [ref(name) for name in kinds]},
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
        "Error": _object({"errors": {"type": "array", "minItems": 1, "items": ref("Problem")}}),
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
