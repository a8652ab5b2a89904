"""Load and validate a rule file: JSON Schema for its shape, then the clinic's own checks.

Every problem is collected with its file and line; a file with any problem gives no RuleSet.
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

from . import conditions, yamlfile
from .model import Category, Level, LevelText, Option, Question, Review, Rule, RuleSet, Text
from .yamlfile import FileProblems, Problem

PLACEHOLDERS = {"emergency_number", "care_team", "care_team_phone", "after_hours_phone"}


@cache
def schema() -> dict:
    """Return the JSON Schema of a rule file (shipped for editors too)."""
    return json.loads(resources.files("triage").joinpath("rules.schema.json").read_text("utf-8"))


def _where(path) -> str:
    return ".".join(str(part) for part in path) or "the file"


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = _where(error.absolute_path)
    if error.validator == "oneOf" and error.context:
        if error.schema.get("description", "").startswith("How soon"):
            return f"{where}: level {error.instance!r} is not one of: emergency, urgent, soon, none"
        if "const" in error.context[0].schema:
            allowed = ", ".join(repr(e.schema["const"]) for e in error.context if "const" in e.schema)
            return f"{where}: {error.instance!r} is not one of: {allowed}"
        return f"{where}: this is not understood. {error.schema.get('description', '')}".strip()
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        known = sorted(error.schema.get("properties", {}))
        hints = [f"'{key}' is not a known key here" + _did_you_mean(key, known) for key in extra]
        return f"{where}: " + "; ".join(hints)
    if error.validator == "required":
        return f"{where}: {error.message.replace('is a required property', 'is missing')}"
    if error.validator == "type":
        return f"{where}: {error.instance!r} should be {_a(error.validator_value)}"
    if error.validator == "pattern":
        return (f"{where}: {error.instance!r} is not allowed here; use lower-case letters, "
                "digits and underscores" if "a-z" in error.validator_value
                else f"{where}: {error.instance!r} is not in the form YYYY-MM-DD")
    return f"{where}: {error.message}"


def _a(kind) -> str:
    names = {"string": "text", "object": "a set of 'key: value' lines", "array": "a list",
             "integer": "a whole number", "boolean": "true or false"}
    return names.get(kind, str(kind))


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _schema_problems(data, lines, file) -> tuple[list[Problem], set[tuple]]:
    validator = jsonschema.Draft202012Validator(schema())
    problems, broken = [], set()
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        broken.add(path[:2])
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = path + (extra[0],) if extra else path
        problems.append(Problem(file, yamlfile.line_of(lines, path), _schema_message(error)))
    return problems, broken


def _order_problems(question_id: str, values: list[str], pairs: list) -> list[tuple[int, str]]:
    """Check that `not_comparable` pairs leave a consistent order of seriousness.

    Options are listed mildest first: each is more serious than every option before it, except
    the pairs declared not comparable. If a < b and b < c, then a < c must hold too, so (a, c)
    cannot be declared not comparable unless (a, b) or (b, c) is.
    """
    problems = []
    apart = {frozenset(pair) for pair in pairs}
    for i, pair in enumerate(pairs):
        if len(set(pair)) < 2:
            problems.append((i, f"question '{question_id}': a not_comparable pair needs two "
                                f"different options, not {pair[0]!r} twice"))
            continue
        if not all(value in values for value in pair):
            continue
        low, high = sorted(pair, key=values.index)
        between = [v for v in values[values.index(low) + 1:values.index(high)]
                   if frozenset((low, v)) not in apart and frozenset((v, high)) not in apart]
        if between:
            middle = between[0]
            problems.append((i, f"question '{question_id}': '{low}' and '{high}' cannot be not "
                                f"comparable, because '{middle}' is listed between them and is "
                                f"comparable with both (so '{low}' < '{middle}' < '{high}'); "
                                f"also declare [{low}, {middle}] or [{middle}, {high}] not "
                                "comparable, or reorder the options"))
    return problems


class _Builder:
    """Semantic checks and construction, run once the shape is right."""

    def __init__(self, data: dict, lines, file: str, broken: set[tuple] = frozenset()):
        self.data, self.lines, self.file = data, lines, file
        self.problems: list[Problem] = []
        self.languages = tuple(data["languages"])
        self.broken = broken  # ("questions", i) / ("rules", i) whose shape is already wrong
        self.unchecked = {item.get("id") for i, item in enumerate(data["questions"])
                          if ("questions", i) in broken and isinstance(item, dict)}

    def problem(self, path, message: str) -> None:
        self.problems.append(Problem(self.file, yamlfile.line_of(self.lines, path), message))

    def text(self, value, path) -> Text:
        missing = [lang for lang in self.languages if lang not in value]
        extra = [lang for lang in value if lang not in self.languages]
        if missing:
            self.problem(path, f"{_where(path)}: the wording in {', '.join(missing)} is missing "
                               f"(the file declares languages: {', '.join(self.languages)})")
        if extra:
            self.problem(path, f"{_where(path)}: language {', '.join(extra)} is not declared "
                               "under 'languages'")
        for lang, words in value.items():
            for _, name, _, _ in string.Formatter().parse(words) if "{" in words else ():
                if name is not None and name not in PLACEHOLDERS:
                    self.problem(path + (lang,), f"{_where(path)}: '{{{name}}}' is not a known "
                                 f"placeholder; use one of {', '.join(sorted(PLACEHOLDERS))}")
        return Text(value)

    def optional_text(self, item, key, path):
        return self.text(item[key], path + (key,)) if key in item else None

    def unique(self, ids, path_of, what: str) -> None:
        seen = {}
        for index, item_id in enumerate(ids):
            if item_id in seen:
                self.problem(path_of(index), f"{what} id '{item_id}' is used twice "
                             f"(first on line {yamlfile.line_of(self.lines, path_of(seen[item_id]))})")
            seen.setdefault(item_id, index)

    def question(self, item, path) -> Question:
        is_number = item.get("type") == "number"
        if is_number:
            for key in ("options", "not_comparable"):
                if key in item:
                    self.problem(path + (key,), f"question '{item['id']}' is a number: it has no {key}")
            if "min" in item and "max" in item and item["min"] > item["max"]:
                self.problem(path + ("min",), f"question '{item['id']}': min is above max")
        elif "options" not in item:
            self.problem(path, f"question '{item['id']}' needs a list of options (or type: number)")
        options = tuple(
            Option(o["value"], self.text(o["label"], path + ("options", i, "label")),
                   self.optional_text(o, "hint", path + ("options", i)),
                   Level.from_id(o["red_flag"]) if "red_flag" in o else None)
            for i, o in enumerate(item.get("options", [])) if not is_number)
        self.unique([o.value for o in options], lambda i: path + ("options", i, "value"),
                    f"in question '{item['id']}', option")
        values = {o.value for o in options}
        for i, pair in enumerate(item.get("not_comparable", [])):
            for value in pair:
                if value not in values:
                    self.problem(path + ("not_comparable", i), f"question '{item['id']}' has no "
                                 f"option '{value}'" + _did_you_mean(value, values))
        for i, message in _order_problems(item["id"], [o.value for o in options],
                                          item.get("not_comparable", [])):
            self.problem(path + ("not_comparable", i), message)
        return Question(
            id=item["id"], text=self.text(item["text"], path + ("text",)),
            hint=self.optional_text(item, "hint", path), options=options,
            ask=self.optional_text(item, "ask", path), number=is_number,
            minimum=item.get("min"), maximum=item.get("max"),
            unit=self.optional_text(item, "unit", path),
            not_comparable=tuple(frozenset(p) for p in item.get("not_comparable", [])))

    def review_dates(self, review, path, rule_id: str) -> None:
        dates = {}
        for key in ("on", "next_due"):
            try:
                dates[key] = datetime.date.fromisoformat(review[key])
            except ValueError:
                self.problem(path + (key,), f"rule '{rule_id}': review {key} {review[key]!r} is "
                                            "not a real date (YYYY-MM-DD)")
        if len(dates) == 2 and dates["next_due"] < dates["on"]:
            self.problem(path + ("next_due",), f"rule '{rule_id}': the next review "
                         f"({review['next_due']}) is before the last one ({review['on']})")

    def condition(self, item, path, questions: dict[str, Question]):
        if "all" in item or "any" in item:
            kind = "all" if "all" in item else "any"
            parts = tuple(self.condition(part, path + (kind, i), questions)
                          for i, part in enumerate(item[kind]))
            return conditions.All(parts) if kind == "all" else conditions.Any(parts)
        if "not" in item:
            return conditions.Not(self.condition(item["not"], path + ("not",), questions))
        question = questions.get(item["question"])
        if question is None and item["question"] in self.unchecked:
            return conditions.AnswerIs(item["question"], frozenset())
        if question is None:
            self.problem(path + ("question",), f"there is no question '{item['question']}'"
                         + _did_you_mean(item["question"], questions))
            return conditions.AnswerIs(item["question"], frozenset())
        if "is" in item:
            values = item["is"] if isinstance(item["is"], list) else [item["is"]]
            if question.number:
                self.problem(path + ("is",), f"question '{question.id}' is a number: compare it "
                             "with at_least, at_most, above or below")
            for value in values:
                if not question.number and value not in question.values:
                    self.problem(path + ("is",), f"question '{question.id}' has no option "
                                 f"'{value}'" + _did_you_mean(value, question.values)
                                 + f"; its options are: {', '.join(question.values)}")
            return conditions.AnswerIs(question.id, frozenset(values))
        comparison = next(key for key in item if key != "question")
        if not question.number:
            self.problem(path + (comparison,), f"question '{question.id}' is not a number: use "
                         "'is' with one of its options")
        return conditions.Compare(question.id, comparison, item[comparison])

    def build(self) -> RuleSet | None:
        data = self.data
        questions = [self.question(item, ("questions", i)) for i, item in enumerate(data["questions"])
                     if ("questions", i) not in self.broken]
        self.unique([q.id for q in questions], lambda i: ("questions", i, "id"), "question")
        by_id = {q.id: q for q in questions}
        categories = {key: Category(key, self.text(value, ("categories", key)))
                      for key, value in data["categories"].items()}
        levels = {Level.from_id(key): LevelText(
            Level.from_id(key), self.text(value["heading"], ("levels", key, "heading")),
            self.text(value["action"], ("levels", key, "action")))
            for key, value in data["levels"].items()}
        rules = []
        for i, item in enumerate(data["rules"]):
            path = ("rules", i)
            if path in self.broken:
                continue
            if item["category"] not in categories:
                self.problem(path + ("category",), f"rule '{item['id']}': there is no category "
                             f"'{item['category']}'" + _did_you_mean(item["category"], categories))
            review = item.get("review")
            if review:
                self.review_dates(review, path + ("review",), item["id"])
            rules.append(Rule(
                id=item["id"], category=item["category"], level=Level.from_id(item["level"]),
                when=self.condition(item["when"], path + ("when",), by_id),
                title=self.text(item["title"], path + ("title",)),
                advice=self.text(item["advice"], path + ("advice",)),
                source=item["source"].strip(), line=yamlfile.line_of(self.lines, path),
                review=Review(review["by"], review["on"], review["next_due"]) if review else None))
        self.unique([r.id for r in rules], lambda i: ("rules", i, "id"), "rule")
        if self.problems:
            return None
        return RuleSet(version=str(data["version"]), languages=self.languages, levels=levels,
                       categories=categories, questions=tuple(questions), rules=tuple(rules),
                       file=self.file)


def load(path: str | Path) -> RuleSet:
    """Load and validate a rule file; raise FileProblems listing every problem found."""
    file = str(path)
    data, lines = yamlfile.load(path)
    problems, broken = _schema_problems(data, lines, file)
    if problems and any(len(path) < 2 or path[0] not in ("questions", "rules") for path in broken):
        raise FileProblems(problems)  # the file's frame is wrong: nothing more can be checked
    builder = _Builder(data, lines, file, broken)
    ruleset = builder.build()
    if problems or ruleset is None:
        raise FileProblems(problems + builder.problems)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return dataclasses.replace(ruleset, digest=digest)
