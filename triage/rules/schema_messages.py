"""A rule file's schema errors in words a clinician can act on, each at its place in the file.

The schema (rules.schema.json) tags each node whose errors need words of their own with
`x-message`, naming an entry of MESSAGES below; a condition's five forms are tagged with their
own names (all, any, not, is, compare) so the form the clinician meant can be found. An error on
an untagged node is worded from its kind alone: a key missing or unknown, a wrong type, an empty
value, a value that is not one of a list, an entry listed twice.
"""

from __future__ import annotations

import jsonschema

from ..engine import conditions
from .spelling import did_you_mean

Found = list[tuple[tuple, str]]  # (path of the value in the file, message)

CONDITION_KEYS = ("question", "is", *conditions.COMPARISONS, "all", "any", "not")
_SOURCE = "say where the advice comes from (e.g. a section of the clinical reference)"
_PAIR = "{where}: each entry is a pair of two options, like [clear, bloody]"

# x-message -> {what went wrong -> words}. Error kinds are JSON Schema's (type, pattern, minItems,
# maxItems, minProperties), plus "missing" (a required key is absent) and "empty" (blank, or
# shorter than allowed). "noun" names what a list holds ("'options' needs at least 2 options").
# In the words, {where} names the value's place, {parent} the place holding it, {key} the key
# and {value} the value as the clinician wrote it.
MESSAGES: dict[str, dict[str, str]] = {
    "file": {"type": "the file should be a set of 'key: value' lines, like 'version: ...'"},
    "languages": {"noun": "language"},
    "language": {"pattern": "{where}: {value} is not a two-letter language code such as en or es"},
    "categories": {
        "minProperties": "{where}: this is empty; give at least one category, like "
        "site_infection: {{en: Infection at the cut}}"
    },
    "questions": {"noun": "question"},
    "steps": {"noun": "step"},
    "areas": {"noun": "area"},
    "signs": {"noun": "sign"},
    "answers": {
        "minProperties": "{where}: this is empty; give at least one answer, like {{breathing: fast_or_hard}}"
    },
    "step": {},  # worded in messages(): questions, areas or both
    "sign": {},  # worded in messages(): sets or opens
    "sets": {},
    "opens": {},
    "rules": {"minItems": "there must be at least one rule; 'rules' is empty"},
    "options": {"noun": "option"},
    "conditions": {"noun": "condition"},
    "values": {"noun": "option"},
    "pair": {"minItems": _PAIR, "maxItems": _PAIR},
    "text": {"minProperties": "{where}: this is empty; give the wording in each language, e.g. en: ..."},
    "id": {
        "pattern": "{where}: {value} is not allowed here; use lower-case letters, digits and "
        "underscores, starting with a letter"
    },
    "rule-id": {
        "pattern": "{where}: {value} is not allowed here; use lower-case letters, digits, hyphens "
        "and underscores, starting with a letter"
    },
    "date": {"pattern": "{where}: {value} is not a date in the form YYYY-MM-DD"},
    "digest": {
        "pattern": "{where}: {value} is not a review digest; copy the 12 digits and letters a-f "
        "the review sheet shows for this rule"
    },
    "source": {
        "missing": "{where}: 'source' is missing; " + _SOURCE,
        "empty": "{parent}: the source is empty; " + _SOURCE,
        "pattern": "{parent}: the source is empty; " + _SOURCE,
    },
    "condition": {},  # worded by _condition
    **{form: {} for form in ("all", "any", "not", "is", "compare")},  # a condition's forms
}


# ------------------------------------------------------------------ saying where and what


def _get(data, path):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def where(data, path) -> str:
    """Name the place in the file a clinician thinks of: "rule 'fever-early', review > on"."""
    path = tuple(path)
    if not path:
        return "the file"
    head, rest = path[0], list(path[1:])
    if head in ("questions", "rules", "steps", "areas", "retired") and rest and isinstance(rest[0], int):
        kind = {"retired": "retired question"}.get(head, head[:-1])
        key = "question" if head == "retired" else "id"
        item_id = _get(data, path[:2]) and _get(data, path[:2] + (key,))
        name = f"{kind} '{item_id}'" if isinstance(item_id, str) else f"{kind} {rest[0] + 1}"
        rest = rest[1:]
        if kind == "area" and len(rest) >= 2 and rest[0] == "signs" and isinstance(rest[1], int):
            sign = _get(data, path[:4] + ("id",))
            name += f", sign '{sign}'" if isinstance(sign, str) else f", sign {rest[1] + 1}"
            rest = rest[2:]
        if kind == "question" and len(rest) >= 2 and rest[0] == "options" and isinstance(rest[1], int):
            value = _get(data, path[:4] + ("value",))
            name += f", option '{value}'" if isinstance(value, str) else f", option {rest[1] + 1}"
            rest = rest[2:]
        if kind == "rule" and rest and rest[0] == "when":
            return f"{name}, condition"
    elif head == "levels" and rest:
        name, rest = f"level '{rest[0]}'", rest[1:]
    elif head == "categories" and rest:
        name, rest = f"category '{rest[0]}'", rest[1:]
    else:
        name = str(head)
    parts = [part if isinstance(part, str) else f"item {part + 1}" for part in rest]
    return ", ".join([name, " > ".join(parts)]) if parts else name


def show(value) -> str:
    """Show a value as the clinician wrote it in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    return str(value)


_KINDS = {
    "string": "text",
    "object": "a set of 'key: value' lines",
    "array": "a list",
    "integer": "a whole number",
    "boolean": "true or false",
    "number": "a number",
}


def _words(node: dict, kind: str) -> str | None:
    """The words the schema node's x-message gives for this kind of error, if any."""
    return MESSAGES.get(node.get("x-message", ""), {}).get(kind)


def _say(node: dict, kind: str, default: str, data, path, **values) -> str:
    words = _words(node, kind) or default
    return words.format(where=where(data, path), parent=where(data, path[:-1]), **values)


# ------------------------------------------------------------------ one schema error


def messages(error: jsonschema.ValidationError, data) -> Found:
    """Turn one schema error into (path, plain message) pairs."""
    path = tuple(error.absolute_path)
    here = where(data, path)
    node, kind, value, instance = error.schema, error.validator, error.validator_value, error.instance
    if node.get("x-message") == "condition" and kind in ("oneOf", "type", "minProperties"):
        return _condition(error, data)
    if node.get("x-message") == "step" and kind == "anyOf":
        return [(path, f"{here}: give the page's 'questions', its 'areas' (checklists), or both")]
    if node.get("x-message") == "sign" and kind == "oneOf" and isinstance(instance, dict):
        if "sets" in instance and "opens" in instance:
            return [(path + ("opens",), f"{here}: give either 'sets' or 'opens', not both")]
        return [
            (
                path,
                f"{here}: say what ticking it means: 'sets' (answers, like {{warmth: 'yes'}}) "
                "or 'opens' (questions asked next, like [drainage])",
            )
        ]
    if kind == "oneOf":
        return _one_of(error, data)
    if kind == "additionalProperties":
        known = sorted(node.get("properties", {}))
        found = []
        for key in sorted(set(instance) - set(known), key=str):
            hint = did_you_mean(key, known)
            if not hint and known:
                hint = f"; the keys here are: {', '.join(known)}"
            found.append((path + (key,), f"{here}: '{key}' is not a known key here{hint}"))
        return found
    if kind == "required":
        properties = node.get("properties", {})
        return [
            (
                path,
                _say(properties.get(key, {}), "missing", "{where}: '{key}' is missing", data, path, key=key),
            )
            for key in value
            if key not in instance
        ]
    if kind == "type":
        if instance is None or instance == "":
            return [(path, _say(node, "empty", "{where}: this is empty", data, path))]
        quote = "; put it in quotes" if value == "string" and not isinstance(instance, (list, dict)) else ""
        if value == "string" and isinstance(instance, bool):
            quote = _yes_no(instance)
        default = "{where}: {value} should be {a}" + quote
        return [
            (
                path,
                _say(node, "type", default, data, path, value=show(instance), a=_KINDS.get(value, value)),
            )
        ]
    if kind == "minLength":
        return [(path, _say(node, "empty", "{where}: this is empty", data, path))]
    if kind == "pattern":
        # Untagged: the node's own description says what it wants (tag it to say it better).
        default = "{where}: {value} is not allowed here. {description}"
        words = _say(
            node,
            "pattern",
            default,
            data,
            path,
            value=show(instance),
            description=node.get("description", ""),
        ).strip()
        if "propertyNames" in error.schema_path:  # a key, not a value: point at the key
            path = path + (instance,)
        return [(path, words)]
    if kind == "minItems":
        noun = _words(node, "noun") or "item"
        count = f"one {noun}" if value == 1 else f"{value} {noun}s"
        default = "{parent}: '{key}' needs at least {count}"
        return [(path, _say(node, "minItems", default, data, path, key=path[-1], count=count))]
    if kind == "maxItems":
        return [(path, _say(node, "maxItems", "{where}: {message}", data, path, message=error.message))]
    if kind == "minProperties":
        return [(path, _say(node, "minProperties", "{where}: this is empty", data, path))]
    if kind == "uniqueItems":
        return [(path, f"{here}: the same entry is listed twice")]
    return [(path, f"{here}: {error.message}")]


def _one_of(error: jsonschema.ValidationError, data) -> Found:
    """A value fits none of a list of choices: say the choices, or the error of the right type."""
    path, instance = tuple(error.absolute_path), error.instance
    branches = error.schema["oneOf"]
    allowed = [branch["const"] for branch in branches if "const" in branch]
    if allowed:
        what = path[-1] if path and isinstance(path[-1], str) else "the value"
        return [
            (
                path,
                f"{where(data, path[:-1])}: {what} {show(instance)} is not one of: "
                f"{', '.join(allowed)}" + did_you_mean(instance, allowed),
            )
        ]
    for index, branch in enumerate(branches):  # the branch of the type that was written
        if "type" in branch and jsonschema.Draft202012Validator({"type": branch["type"]}).is_valid(instance):
            return _from_branch(error, index, data)
    description = error.schema.get("description", "")
    hint = _yes_no(instance) if isinstance(instance, bool) else ""
    words = f"{where(data, path)}: {show(instance)} is not understood here{hint}. {description}"
    return [(path, words.strip())]


def _yes_no(value: bool) -> str:
    """An unquoted yes/no answer written as true/false (YAML's booleans): say what was meant."""
    word = "yes" if value else "no"
    return f" (did you mean '{word}'? write it as '{word}', in quotes)"


def _from_branch(error: jsonschema.ValidationError, index: int, data) -> Found:
    """The errors of one `oneOf` branch: the form the clinician meant."""
    return [
        message
        for sub in error.context
        if sub.relative_schema_path[0] == index
        for message in messages(sub, data)
    ]


def _condition(error: jsonschema.ValidationError, data) -> Found:
    """A condition fits none of its forms: find the form the clinician meant and say why."""
    path = tuple(error.absolute_path)
    here = where(data, path)
    instance = error.instance
    if not isinstance(instance, dict):
        if error.validator != "type":
            return []  # the type error says it
        if path and path[-1] == "not" and isinstance(instance, list):
            return [
                (
                    path,
                    f"{here}: 'not' takes one condition, not a list; for 'none of "
                    "these', write not: {any: [...]}",
                )
            ]
        return [
            (
                path,
                f"{here}: {show(instance)} is not a condition; write one like "
                "{question: fever, is: yes}, or all: / any: / not:",
            )
        ]
    if not instance:
        return [(path, f"{here}: the condition is empty; write one like {{question: fever, is: yes}}")]
    if error.validator != "oneOf":
        return []
    keys = set(instance)
    comparisons = keys & set(conditions.COMPARISONS)
    form = next((key for key in ("all", "any", "not") if key in keys), None)
    if form is None and "question" in keys:
        if "is" in keys:
            form = "is"
            if comparisons:
                return [
                    (path + (key,), f"{here}: use either 'is' or '{key}' in one condition, not both")
                    for key in sorted(comparisons)
                ]
        elif comparisons:
            form = "compare"
            if len(comparisons) > 1:
                return [
                    (
                        path,
                        f"{here}: use one comparison per condition ({', '.join(sorted(comparisons))} "
                        "given); to combine them, write all: [...]",
                    )
                ]
    if form is None:
        unknown = sorted(keys - set(CONDITION_KEYS), key=str)
        found = [
            (path + (key,), f"{here}: '{key}' is not a known key here" + did_you_mean(key, CONDITION_KEYS))
            for key in unknown
        ]
        if not found or "question" not in keys:
            found.append(
                (
                    path,
                    f"{here}: say what the answer must be: 'is' with one of its "
                    "options, or at_least / at_most / above / below with a number"
                    if "question" in keys
                    else f"{here}: a condition needs 'question' (with 'is' or a comparison), "
                    "or all: / any: / not:",
                )
            )
        return found
    forms = [branch.get("x-message") for branch in error.schema["oneOf"]]
    return _from_branch(error, forms.index(form), data) or [(path, f"{here}: {error.schema['description']}")]
