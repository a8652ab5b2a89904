"""FHIR R4 for clinic systems: the questions as a Questionnaire, a check as a Bundle.

Pure Python (no Flask): builds plain dicts in FHIR R4 JSON form; the tests validate them with
the `fhir.resources` R4B models.

A completed check is a Bundle of type "collection" holding two resources:
- a QuestionnaireResponse: every answer, linkId = question id, choices as codings;
- a RiskAssessment: the triage result. prediction[0] is the overall level; then one
  prediction per warning (outcome = the rule, qualitativeRisk = its level, rationale = its
  advice). `basis` points at the QuestionnaireResponse; `method` and `note` name the rule set
  version and digest.
A Bundle is used rather than a contained resource because a contained RiskAssessment would have
to be referenced from the response, which has no element for it; in the Bundle the standard
RiskAssessment.basis link says "this assessment was made from these answers".

Pump Check knows no patient identity, so the RiskAssessment's required `subject` is a display
text only; the receiving system links it to its own patient record.

A check with questions left unanswered (the API allows it) is a QuestionnaireResponse with status
"stopped" (partly filled in, then ended) whose unanswered items carry no answer, and a
RiskAssessment whose note names them: a `none` level then means no warning signs in the answers
given, not that the patient has none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from ..engine.model import Level, Question, Result, RuleSet

BASE = "https://pumpcheck.invalid/fhir"  # `.invalid` (RFC 2606): a name that never resolves
QUESTIONNAIRE_ID = "pump-check"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
LEVEL_SYSTEM = f"{BASE}/CodeSystem/level"
DISPOSITION_SYSTEM = f"{BASE}/CodeSystem/disposition"
RULE_SYSTEM = f"{BASE}/CodeSystem/rule"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/category"
DIGEST_SYSTEM = f"{BASE}/rules-digest"
MEDIA_TYPE = "application/fhir+json"


def answer_system(question_id: str) -> str:
    """Return the code system of one question's answers (codes = the option values)."""
    return f"{BASE}/CodeSystem/answer-{question_id}"


def _coding(question: Question, value: str, language: str) -> dict:
    return {
        "system": answer_system(question.id),
        "code": value,
        "display": question.option(value).label.in_language(language),
    }


def _item(question: Question, number: int, language: str) -> dict:
    item: dict[str, object] = {
        "linkId": question.id,
        "prefix": f"{number}.",
        "text": question.text.in_language(language),
    }
    if question.number:
        item.update(type="integer", required=False)
        item["extension"] = [
            {"url": f"http://hl7.org/fhir/StructureDefinition/{name}", "valueInteger": limit}
            for name, limit in (("minValue", question.minimum), ("maxValue", question.maximum))
            if limit is not None
        ]
    else:
        item.update(
            type="choice",
            required=True,
            answerOption=[
                {"valueCoding": _coding(question, option.value, language)} for option in question.options
            ],
        )
    if question.hint:
        item["item"] = [
            {"linkId": f"{question.id}.hint", "type": "display", "text": question.hint.in_language(language)}
        ]
    return item


def questionnaire(ruleset: RuleSet, language: str = "en") -> dict:
    """Return the rule file's questions as a FHIR R4 Questionnaire."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": QUESTIONNAIRE_URL,
        "identifier": [{"system": DIGEST_SYSTEM, "value": ruleset.digest}],
        "version": ruleset.version,
        "name": "PumpCheck",
        "title": "Pump Check: symptoms after intrathecal baclofen pump surgery",
        "status": "active",
        "subjectType": ["Patient"],
        "language": language,
        "description": "Symptom check for people with an intrathecal baclofen pump. The answers "
        "decide whom to call and how soon; they are not a diagnosis.",
        "item": [_item(q, n, language) for n, q in enumerate(ruleset.questions, start=1)],
    }


def _level_codings(ruleset: RuleSet, level: Level, language: str) -> list[dict]:
    """The level in the four codes the level system has always had, then the five dispositions.

    "Go to the emergency room now" is `emergency` in the level system (a client that knows four
    levels reads it as the emergency it is) and `emergency_room` in the disposition system.
    """
    display = ruleset.levels[level].heading.in_language(language)
    four = "emergency" if level >= Level.EMERGENCY_ROOM else level.id
    return [
        {"system": LEVEL_SYSTEM, "code": four, "display": display},
        {"system": DISPOSITION_SYSTEM, "code": level.id, "display": display},
    ]


def questionnaire_response(
    ruleset: RuleSet,
    result: Result,
    authored: datetime,
    language: str = "en",
    resource_id: str | None = None,
    unanswered: Sequence[str] = (),
) -> dict:
    """Return every answer of a check as a QuestionnaireResponse; "stopped" if some are missing."""
    items = []
    for question in ruleset.questions:
        answer = None if question.id in unanswered else result.answers.get(question.id)
        item: dict[str, object] = {"linkId": question.id, "text": question.text.in_language(language)}
        if answer is not None:
            item["answer"] = [
                {"valueInteger": answer}
                if question.number
                else {"valueCoding": _coding(question, str(answer), language)}
            ]
        items.append(item)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id or str(uuid.uuid4()),
        "questionnaire": f"{QUESTIONNAIRE_URL}|{ruleset.version}",
        "status": "stopped" if unanswered else "completed",
        "authored": authored.isoformat(timespec="seconds"),
        "language": language,
        "item": items,
    }


def risk_assessment(
    ruleset: RuleSet,
    result: Result,
    occurred: datetime,
    contacts: Mapping[str, str],
    basis: str,
    language: str = "en",
    resource_id: str | None = None,
    *,
    action: str | None = None,
    note: str | None = None,
) -> dict:
    """Return the triage result (level and each warning) as a RiskAssessment.

    `action` replaces the level's own advice and `note` comes first among the notes: the API
    uses them to say that a result rests on fewer answers than the check asks for.
    """
    level_text = ruleset.levels[result.level]
    action = action or level_text.action.in_language(language).format(**contacts)
    predictions = [
        {
            "outcome": {"text": "Triage level: whom to call and how soon"},
            "qualitativeRisk": {
                "coding": _level_codings(ruleset, result.level, language),
                "text": result.level.id.upper(),
            },
            "rationale": action,
        }
    ]
    for warning in result.warnings:
        rule = warning.rule
        category = ruleset.categories[rule.category].title.in_language(language)
        predictions.append(
            {
                "outcome": {
                    "coding": [
                        {"system": RULE_SYSTEM, "code": rule.id, "display": rule.title.in_language(language)},
                        {"system": CATEGORY_SYSTEM, "code": rule.category, "display": category},
                    ],
                    "text": rule.title.in_language(language),
                },
                "qualitativeRisk": {
                    "coding": _level_codings(ruleset, rule.level, language),
                    "text": rule.level.id.upper(),
                },
                "rationale": rule.advice.filled(language, contacts),
            }
        )
    version = f"Pump Check rule set version {result.rules_version}, digest {result.rules_digest}"
    notes = [{"text": f"{version}. Advice on whom to call and how soon; not a diagnosis."}]
    if note:
        notes.insert(0, {"text": note})
    return {
        "resourceType": "RiskAssessment",
        "id": resource_id or str(uuid.uuid4()),
        "status": "final",
        "method": {
            "coding": [{"system": DIGEST_SYSTEM, "code": result.rules_digest, "display": version}],
            "text": version,
        },
        "code": {"text": "Triage after intrathecal baclofen pump surgery"},
        "subject": {"display": "Patient (not identified: Pump Check stores no identity)"},
        "occurrenceDateTime": occurred.isoformat(timespec="seconds"),
        "basis": [{"reference": basis}],
        "prediction": predictions,
        "mitigation": action,
        "note": notes,
    }


def check_bundle(
    ruleset: RuleSet,
    result: Result,
    when: datetime,
    contacts: Mapping[str, str],
    language: str = "en",
    *,
    unanswered: Sequence[str] = (),
    action: str | None = None,
    note: str | None = None,
) -> dict:
    """Return a check: a Bundle of the answers (`unanswered` without one) and the assessment."""
    response_id, assessment_id = str(uuid.uuid4()), str(uuid.uuid4())
    response_url = f"urn:uuid:{response_id}"
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": when.isoformat(timespec="seconds"),
        "entry": [
            {
                "fullUrl": response_url,
                "resource": questionnaire_response(ruleset, result, when, language, response_id, unanswered),
            },
            {
                "fullUrl": f"urn:uuid:{assessment_id}",
                "resource": risk_assessment(
                    ruleset,
                    result,
                    when,
                    contacts,
                    response_url,
                    language,
                    assessment_id,
                    action=action,
                    note=note,
                ),
            },
        ],
    }
