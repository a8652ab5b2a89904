"""Load and validate a rule file: JSON Schema for its shape, then the clinic's own checks.

Every problem is collected with its file and line, in words a clinician can act on; a file
with any problem gives no RuleSet (fail closed). The schema (triage/rules.schema.json) is the
single description of the file's shape: editors use it as a clinician types, and so do we.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
import json
import string
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema

from . import conditions, steps, yamlfile
from .model import Category, Level, LevelText, Option, Question, Review, Rule, RuleSet, Text
from .yamlfile import FileProblems, Problem

PLACEHOLDERS = ("after_hours_phone", "care_team", "care_team_phone", "emergency_number")
CONDITION_KEYS = ("question", "is", *conditions.COMPARISONS, "all", "any", "not")
# Words a clinician may reach for, and the key the file uses for them.
SYNONYMS = {
    "equals": "is",
    "equal": "is",
    "eq": "is",
    "in": "is",
    "one_of": "is",
    "is_one_of": "is",
    "value": "is",
    "answer": "is",
    "min": "at_least",
    "max": "at_most",
    "gte": "at_least",
    "lte": "at_most",
    "gt": "above",
    "lt": "below",
    "greater_than": "above",
    "more_than": "above",
    "less_than": "below",
    "over": "above",
    "under": "below",
    "and": "all",
    "or": "any",
    "none": "not",
    "none_of": "not",
}
# Question ids the web form needs for itself (a question may not take their place).
RESERVED_IDS = frozenset(
    {
        "csrf_token",
        "data",
        "errors",
        "form_errors",
        "hidden_tag",
        "is_submitted",
        "meta",
        "populate_obj",
        "post_process",
        "process",
        "validate",
        "validate_on_submit",
    }
)


@cache
def schema() -> dict:
    """Return the JSON Schema of a rule file (shipped for editors too)."""
    return json.loads(resources.files("triage").joinpath("rules.schema.json").read_text("utf-8"))


# ------------------------------------------------------------------ saying where and what


def _get(data, path):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _where(data, path) -> str:
    """Name the place in the file a clinician thinks of: "rule 'fever-early', review > on"."""
    path = tuple(path)
    if not path:
        return "the file"
    head, rest = path[0], list(path[1:])
    if head in ("questions", "rules", "steps") and rest and isinstance(rest[0], int):
        kind = head[:-1]
        item_id = _get(data, path[:2]) and _get(data, path[:2] + ("id",))
        name = f"{kind} '{item_id}'" if isinstance(item_id, str) else f"{kind} {rest[0] + 1}"
        rest = rest[1:]
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


def _show(value) -> str:
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


def _a(kind) -> str:
    names = {
        "string": "text",
        "object": "a set of 'key: value' lines",
        "array": "a list",
        "integer": "a whole number",
        "boolean": "true or false",
        "number": "a number",
    }
    return names.get(kind, str(kind))


def _did_you_mean(word, choices, show=lambda choice: f"'{choice}'") -> str:
    word = str(word)
    choices = [str(choice) for choice in choices]
    close = difflib.get_close_matches(word, choices, n=1)
    if not close and SYNONYMS.get(word.lower()) in choices:
        close = [SYNONYMS[word.lower()]]
    return f" (did you mean {show(close[0])}?)" if close else ""


_NOUNS = {
    "rules": "rule",
    "questions": "question",
    "options": "option",
    "all": "condition",
    "any": "condition",
    "is": "option",
    "languages": "language",
}


def _empty(data, path) -> str:
    if path and path[-1] == "source":
        return (
            f"{_where(data, path[:-1])}: the source is empty; say where the advice comes "
            "from (e.g. a section of the clinical reference)"
        )
    return f"{_where(data, path)}: this is empty"


def _is_condition(subschema) -> bool:
    return subschema.get("description", "").startswith("all: [...]")


def _messages(error: jsonschema.ValidationError, data) -> list[tuple[tuple, str]]:
    """Turn one schema error into (path, plain message) pairs."""
    path = tuple(error.absolute_path)
    where = _where(data, path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if _is_condition(error.schema) and kind in ("oneOf", "type", "minProperties"):
        return _condition_messages(error, data)
    if kind == "oneOf":
        branches = error.schema["oneOf"]
        allowed = [branch["const"] for branch in branches if "const" in branch]
        if allowed:
            what = path[-1] if path and isinstance(path[-1], str) else "the value"
            return [
                (
                    path,
                    f"{_where(data, path[:-1])}: {what} {_show(instance)} is not one of: "
                    f"{', '.join(allowed)}" + _did_you_mean(instance, allowed),
                )
            ]
        for index, branch in enumerate(branches):  # the branch of the type that was written
            if "type" in branch and jsonschema.Draft202012Validator({"type": branch["type"]}).is_valid(
                instance
            ):
                return [
                    message
                    for sub in error.context
                    if sub.relative_schema_path[0] == index
                    for message in _messages(sub, data)
                ]
        return [
            (
                path,
                f"{where}: {_show(instance)} is not understood here. "
                f"{error.schema.get('description', '')}".strip(),
            )
        ]
    if kind == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        return [
            (
                path + (key,),
                f"{where}: '{key}' is not a known key here"
                + _did_you_mean(key, known)
                + (
                    f"; the keys here are: {', '.join(known)}"
                    if not _did_you_mean(key, known) and known
                    else ""
                ),
            )
            for key in sorted(set(instance) - set(known), key=str)
        ]
    if kind == "required":
        missing = [key for key in value if key not in instance]
        hint = {"source": "; say where the advice comes from (e.g. a section of the clinical reference)"}
        return [(path, f"{where}: '{key}' is missing{hint.get(key, '')}") for key in missing]
    if kind == "type":
        if instance is None or instance == "":
            return [(path, _empty(data, path))]
        if path == ():
            return [(path, "the file should be a set of 'key: value' lines, like 'version: ...'")]
        quote = "; put it in quotes" if value == "string" and not isinstance(instance, (list, dict)) else ""
        return [(path, f"{where}: {_show(instance)} should be {_a(value)}{quote}")]
    if kind in ("minLength",) or (kind == "pattern" and value == "\\S"):
        return [(path, _empty(data, path))]
    if kind == "pattern":
        if "propertyNames" in error.schema_path:
            path = path + (instance,)
        if "\\d{4}" in value:
            return [(path, f"{where}: {_show(instance)} is not a date in the form YYYY-MM-DD")]
        if "{2}" in value:
            return [(path, f"{where}: {_show(instance)} is not a two-letter language code such as en or es")]
        hyphens = ", hyphens" if "_-]" in value else ""
        return [
            (
                path,
                f"{where}: {_show(instance)} is not allowed here; use lower-case "
                f"letters, digits{hyphens} and underscores, starting with a letter",
            )
        ]
    if kind == "minItems":
        noun = _NOUNS.get(path[-1] if path else "", "item")
        count = f"one {noun}" if value == 1 else f"{value} {noun}s"
        if path and path[-2:-1] == ("not_comparable",):
            return [(path, f"{where}: each entry is a pair of two options, like [clear, bloody]")]
        if path and path[0] == "rules" and len(path) == 1:
            return [(path, "there must be at least one rule; 'rules' is empty")]
        return [(path, f"{_where(data, path[:-1])}: '{path[-1]}' needs at least {count}")]
    if kind == "maxItems" and path[-2:-1] == ("not_comparable",):
        return [(path, f"{where}: each entry is a pair of two options, like [clear, bloody]")]
    if kind == "minProperties":
        return [
            (
                path,
                f"{where}: this is empty"
                + ("; give the wording in each language, e.g. en: ..." if value == 1 else ""),
            )
        ]
    if kind == "uniqueItems":
        return [(path, f"{where}: the same entry is listed twice")]
    return [(path, f"{where}: {error.message}")]


def _condition_messages(error, data) -> list[tuple[tuple, str]]:
    """A condition fits none of its forms: find the form the clinician meant and say why."""
    path = tuple(error.absolute_path)
    where = _where(data, path)
    instance = error.instance
    if not isinstance(instance, dict):
        if error.validator != "type":
            return []  # the type error says it
        if path and path[-1] == "not" and isinstance(instance, list):
            return [
                (
                    path,
                    f"{where}: 'not' takes one condition, not a list; for 'none of "
                    "these', write not: {any: [...]}",
                )
            ]
        return [
            (
                path,
                f"{where}: {_show(instance)} is not a condition; write one like "
                "{question: fever, is: yes}, or all: / any: / not:",
            )
        ]
    if not instance:
        return [(path, f"{where}: the condition is empty; write one like {{question: fever, is: yes}}")]
    if error.validator != "oneOf":
        return []
    keys = set(instance)
    comparisons = keys & set(conditions.COMPARISONS)
    branch = next((index for index, key in enumerate(("all", "any", "not")) if key in keys), None)
    if branch is None and "question" in keys:
        if "is" in keys:
            branch = 3
            if comparisons:
                return [
                    (path + (key,), f"{where}: use either 'is' or '{key}' in one condition, not both")
                    for key in sorted(comparisons)
                ]
        elif comparisons:
            branch = 4
            if len(comparisons) > 1:
                return [
                    (
                        path,
                        f"{where}: use one comparison per condition ({', '.join(sorted(comparisons))} "
                        "given); to combine them, write all: [...]",
                    )
                ]
    if branch is None:
        unknown = sorted(keys - set(CONDITION_KEYS), key=str)
        found = [
            (path + (key,), f"{where}: '{key}' is not a known key here" + _did_you_mean(key, CONDITION_KEYS))
            for key in unknown
        ]
        if not found or "question" not in keys:
            found.append(
                (
                    path,
                    f"{where}: say what the answer must be: 'is' with one of its "
                    "options, or at_least / at_most / above / below with a number"
                    if "question" in keys
                    else f"{where}: a condition needs 'question' (with 'is' or a comparison), "
                    "or all: / any: / not:",
                )
            )
        return found
    messages = [
        message
        for sub in error.context
        if sub.relative_schema_path[0] == branch
        for message in _messages(sub, data)
    ]
    return messages or [(path, f"{where}: {error.schema['description']}")]


def _schema_problems(data, lines, file) -> tuple[list[Problem], list[tuple]]:
    validator = jsonschema.Draft202012Validator(schema())
    problems, broken = [], []
    for error in validator.iter_errors(data):
        broken.append(tuple(error.absolute_path))
        for path, message in _messages(error, data):
            problem = Problem(file, yamlfile.line_of(lines, path), message)
            if problem not in problems:
                problems.append(problem)
    return problems, broken


def _frame_broken(broken: list[tuple], data) -> bool:
    """True when the file's top-level parts are wrong, so no item-by-item check can run."""
    for path in broken:
        if len(path) >= 2 and path[0] in ("questions", "rules", "steps"):
            continue
        if path == () and isinstance(data, dict) and all(key in data for key in schema()["required"]):
            continue  # only an unknown top-level key: the rest can still be checked
        return True
    return False


# ------------------------------------------------------------------ the clinic's own checks


def _order_problems(question: Question, pairs: list) -> list[tuple[int, str]]:
    """Check that `not_comparable` pairs leave a consistent order of seriousness.

    The order is `Question.more_serious_pairs` (the one the safety proofs use). If a < b and
    b < c, then a < c must hold too, so (a, c) cannot be declared not comparable unless (a, b)
    or (b, c) is.
    """
    problems = []
    values, above = question.values, question.more_serious_pairs
    for i, pair in enumerate(pairs):
        if len(set(pair)) < 2:
            problems.append(
                (
                    i,
                    f"question '{question.id}': a not_comparable pair needs two "
                    f"different options, not {pair[0]!r} twice",
                )
            )
            continue
        if not all(value in values for value in pair):
            continue
        low, high = sorted(pair, key=values.index)
        between = [
            v
            for v in values[values.index(low) + 1 : values.index(high)]
            if (low, v) in above and (v, high) in above
        ]
        if between:
            middle = between[0]
            problems.append(
                (
                    i,
                    f"question '{question.id}': '{low}' and '{high}' cannot be not "
                    f"comparable, because '{middle}' is listed between them and is "
                    f"comparable with both (so '{low}' < '{middle}' < '{high}'); "
                    f"also declare [{low}, {middle}] or [{middle}, {high}] not "
                    "comparable, or reorder the options",
                )
            )
    return problems


class _Builder:
    """Semantic checks and construction, run once the file's frame is right."""

    def __init__(self, data: dict, lines, file: str, broken: list[tuple]):
        self.data, self.lines, self.file = data, lines, file
        self.problems: list[Problem] = []
        self.languages = tuple(data["languages"])
        self.broken = broken  # paths of schema errors; their parts are not checked again

    def problem(self, path, message: str) -> None:
        problem = Problem(self.file, yamlfile.line_of(self.lines, path), message)
        if problem not in self.problems:
            self.problems.append(problem)

    def where(self, path) -> str:
        return _where(self.data, path)

    def clean(self, path) -> bool:
        """No schema error at or inside `path`."""
        return not any(error[: len(path)] == tuple(path) for error in self.broken)

    def text(self, value, path) -> Text:
        if not self.clean(path):
            return Text({})
        missing = [lang for lang in self.languages if lang not in value]
        extra = [lang for lang in value if lang not in self.languages]
        if missing:
            self.problem(
                path,
                f"{self.where(path)}: the wording in {', '.join(missing)} is "
                f"missing (the file declares languages: {', '.join(self.languages)})",
            )
        for lang in extra:
            self.problem(
                path + (lang,),
                f"{self.where(path)}: language {lang} is not declared "
                f"under 'languages' ({', '.join(self.languages)})",
            )
        for lang, words in value.items():
            for message in _placeholder_problems(words):
                self.problem(path + (lang,), f"{self.where(path)}: {message}")
        return Text(value)

    def optional_text(self, item, key, path):
        return self.text(item[key], path + (key,)) if key in item else None

    def unique(self, items, what: str) -> None:
        """items: (id, path) pairs; an id used twice is a problem at its second use."""
        seen: dict[str, tuple] = {}
        for item_id, path in items:
            if item_id in seen:
                self.problem(
                    path,
                    f"{what} '{item_id}' is used twice (first on line "
                    f"{yamlfile.line_of(self.lines, seen[item_id])}); "
                    "every id must be different",
                )
            seen.setdefault(item_id, path)

    def question(self, item, path) -> Question:
        where = self.where(path)
        is_number = item.get("type") == "number"
        if item["id"] in RESERVED_IDS:
            self.problem(
                path + ("id",),
                f"{where}: the id '{item['id']}' is used by the web form itself; choose another id",
            )
        if is_number:
            for key in ("options", "not_comparable"):
                if key in item:
                    self.problem(
                        path + (key,),
                        f"question '{item['id']}' is a number: it has "
                        f"no {key} (remove them, or remove 'type: number')",
                    )
            if "min" in item and "max" in item and item["min"] > item["max"]:
                self.problem(
                    path + ("min",),
                    f"question '{item['id']}': min ({item['min']}) is above max ({item['max']})",
                )
        else:
            if "options" not in item:
                self.problem(
                    path, f"question '{item['id']}' needs a list of options (or 'type: number' for a number)"
                )
            for key in ("min", "max", "unit"):
                if key in item:
                    self.problem(
                        path + (key,),
                        f"question '{item['id']}' is a choice: '{key}' "
                        "is only for a number question (type: number)",
                    )
        options = tuple(
            Option(
                o["value"],
                self.text(o["label"], path + ("options", i, "label")),
                self.optional_text(o, "hint", path + ("options", i)),
                Level.from_id(o["red_flag"]) if "red_flag" in o else None,
                ask=self.optional_text(o, "ask", path + ("options", i)),
                line=yamlfile.line_of(self.lines, path + ("options", i)),
            )
            for i, o in enumerate(item.get("options", []))
            if not is_number
        )
        self.unique(
            [(o.value, path + ("options", i, "value")) for i, o in enumerate(options)],
            f"question '{item['id']}': option",
        )
        values = [o.value for o in options]
        for i, pair in enumerate(item.get("not_comparable", [])):
            for value in pair:
                if value not in values and not is_number:
                    self.problem(
                        path + ("not_comparable", i),
                        f"question '{item['id']}' has no "
                        f"option '{value}'"
                        + _did_you_mean(value, values)
                        + f"; its options are: {', '.join(values)}",
                    )
        question = Question(
            id=item["id"],
            text=self.text(item["text"], path + ("text",)),
            hint=self.optional_text(item, "hint", path),
            options=options,
            ask=self.optional_text(item, "ask", path),
            number=is_number,
            minimum=item.get("min"),
            maximum=item.get("max"),
            unit=self.optional_text(item, "unit", path),
            not_comparable=tuple(frozenset(p) for p in item.get("not_comparable", [])),
        )
        for i, message in _order_problems(question, item.get("not_comparable", [])):
            self.problem(path + ("not_comparable", i), message)
        return question

    def condition(self, item, path, questions: dict[str, Question], unchecked: set, rule: str):
        if "all" in item or "any" in item:
            kind = "all" if "all" in item else "any"
            parts = tuple(
                self.condition(part, path + (kind, i), questions, unchecked, rule)
                for i, part in enumerate(item[kind])
            )
            return conditions.AllOf(parts) if kind == "all" else conditions.AnyOf(parts)
        if "not" in item:
            return conditions.Not(self.condition(item["not"], path + ("not",), questions, unchecked, rule))
        question = questions.get(item["question"])
        if question is None:
            if item["question"] not in unchecked:  # a broken question is reported already
                self.problem(
                    path + ("question",),
                    f"rule '{rule}': there is no question "
                    f"'{item['question']}'" + _did_you_mean(item["question"], questions),
                )
            return conditions.AnswerIs(item["question"], frozenset())
        if "is" in item:
            values = item["is"] if isinstance(item["is"], list) else [item["is"]]
            if question.number:
                self.problem(
                    path + ("is",),
                    f"rule '{rule}': question '{question.id}' is a "
                    "number: compare it with at_least, at_most, above or below",
                )
            for value in values:
                if not question.number and value not in question.values:
                    self.problem(
                        path + ("is",),
                        f"rule '{rule}': question '{question.id}' has "
                        f"no option '{value}'"
                        + _did_you_mean(value, question.values)
                        + f"; its options are: {', '.join(question.values)}",
                    )
            return conditions.AnswerIs(question.id, frozenset(values))
        comparison = next(key for key in item if key != "question")
        if not question.number:
            self.problem(
                path + (comparison,),
                f"rule '{rule}': question '{question.id}' is not "
                "a number: use 'is' with one of its options "
                f"({', '.join(question.values)})",
            )
        return conditions.Compare(question.id, comparison, item[comparison])

    def review(self, review, path, rule_id: str) -> Review | None:
        if review is None or not self.clean(path):
            return None
        dates = {}
        for key in ("on", "next_due"):
            try:
                dates[key] = datetime.date.fromisoformat(review[key])
            except ValueError:
                self.problem(
                    path + (key,),
                    f"rule '{rule_id}': review {key} {review[key]!r} is not a real date (YYYY-MM-DD)",
                )
        if len(dates) == 2 and dates["next_due"] < dates["on"]:
            self.problem(
                path + ("next_due",),
                f"rule '{rule_id}': the next review "
                f"({review['next_due']}) is before the last one ({review['on']})",
            )
        return Review(review["by"], review["on"], review["next_due"], review.get("digest", ""))

    def build(self) -> RuleSet | None:
        data = self.data
        questions, unchecked = [], set()
        for i, item in enumerate(data["questions"]):
            if self.clean(("questions", i)):
                questions.append(self.question(item, ("questions", i)))
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                unchecked.add(item["id"])
        self.unique(
            [
                (item["id"], ("questions", i, "id"))
                for i, item in enumerate(data["questions"])
                if isinstance(item, dict) and isinstance(item.get("id"), str)
            ],
            "question id",
        )
        by_id: dict[str, Question] = {}
        for question in questions:
            by_id.setdefault(question.id, question)
        pages = steps.build(self, data.get("steps"), questions, unchecked)
        categories = {
            key: Category(key, self.text(value, ("categories", key)))
            for key, value in data["categories"].items()
        }
        levels = {
            Level.from_id(key): LevelText(
                Level.from_id(key),
                self.text(value["heading"], ("levels", key, "heading")),
                self.text(value["action"], ("levels", key, "action")),
                nurse_action=self.optional_text(value, "nurse_action", ("levels", key)),
                while_you_wait=tuple(
                    self.text(item, ("levels", key, "while_you_wait", i))
                    for i, item in enumerate(value.get("while_you_wait", []))
                ),
            )
            for key, value in data["levels"].items()
        }
        rules = []
        for i, item in enumerate(data["rules"]):
            path = ("rules", i)
            if not isinstance(item, dict):
                continue
            given_id = item.get("id")
            rule_id = given_id if isinstance(given_id, str) else f"{i + 1}"
            category = item.get("category")
            if isinstance(category, str) and self.clean(path + ("category",)) and category not in categories:
                self.problem(
                    path + ("category",),
                    f"rule '{rule_id}': there is no category "
                    f"'{category}'"
                    + _did_you_mean(category, categories)
                    + f"; the categories are: {', '.join(categories)}",
                )
            when = (
                self.condition(item["when"], path + ("when",), by_id, unchecked, rule_id)
                if "when" in item and self.clean(path + ("when",))
                else None
            )
            title, advice = (
                self.text(item[key], path + (key,)) if key in item else None for key in ("title", "advice")
            )
            review = self.review(item.get("review"), path + ("review",), rule_id)
            # A clean rule has every part (the schema requires them), so none is None here.
            if (
                self.clean(path)
                and isinstance(category, str)
                and when is not None
                and title is not None
                and advice is not None
            ):
                rules.append(
                    Rule(
                        id=item["id"],
                        category=category,
                        level=Level.from_id(item["level"]),
                        when=when,
                        title=title,
                        advice=advice,
                        source=item["source"].strip(),
                        line=yamlfile.line_of(self.lines, path),
                        review=review,
                    )
                )
        self.unique(
            [
                (item["id"], ("rules", i, "id"))
                for i, item in enumerate(data["rules"])
                if isinstance(item, dict) and isinstance(item.get("id"), str)
            ],
            "rule id",
        )
        if self.problems or self.broken:
            return None
        return RuleSet(
            version=str(data["version"]),
            languages=self.languages,
            levels=levels,
            categories=categories,
            questions=tuple(questions),
            rules=tuple(rules),
            file=self.file,
            steps=pages,
            bands=steps.all_bands(questions, rules),
        )


def _placeholder_problems(words: str) -> list[str]:
    if "{" not in words and "}" not in words:
        return []
    try:
        parsed = list(string.Formatter().parse(words))
    except ValueError:
        return [
            "a '{' without its '}' (or a '}' without its '{'); write placeholders like "
            "{care_team}, and write {{ or }} to show a brace itself"
        ]
    problems = []
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            problems.append(
                f"'{{{name}}}' is not a known placeholder"
                + _did_you_mean(name, PLACEHOLDERS, lambda n: f"'{{{n}}}'")
                + f"; use one of {known}"
            )
        elif spec or conversion:
            problems.append(f"write it as {{{name}}}, with nothing else inside the braces")
    return problems


def load(path: str | Path) -> RuleSet:
    """Load and validate a rule file; raise FileProblems listing every problem found."""
    file = str(path)
    raw = yamlfile.read_bytes(path)  # read once: the digest is of exactly what was checked
    data, lines = yamlfile.load(path, raw)
    problems, broken = _schema_problems(data, lines, file)
    if _frame_broken(broken, data) or not isinstance(data, dict):
        raise FileProblems(problems)  # the file's frame is wrong: nothing more can be checked
    builder = _Builder(data, lines, file, broken)
    ruleset = builder.build()
    if problems or ruleset is None:
        raise FileProblems(problems + builder.problems)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return dataclasses.replace(ruleset, digest=digest)
