"""Build a RuleSet from a rule file whose frame is right, running the clinic's own checks.

Each check adds a Problem (file, line, plain words) and goes on, so one run reports every
mistake; parts with a schema error are skipped (that error is reported already).
"""

from __future__ import annotations

from ..engine import conditions
from ..engine.model import Category, Level, LevelText, Option, Question, Rule, RuleSet, Text
from . import bands, review_dates, steps, yamlfile
from . import checks as rule_checks
from .schema_messages import where
from .spelling import did_you_mean
from .yamlfile import Problem


class Builder:
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
        return where(self.data, path)

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
            for message in rule_checks.placeholder_problems(words):
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
        if item["id"] in rule_checks.RESERVED_IDS:
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
                caregiver_label=self.optional_text(o, "caregiver_label", path + ("options", i)),
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
                        + did_you_mean(value, values)
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
            caregiver_text=self.optional_text(item, "caregiver_text", path),
            caregiver_hint=self.optional_text(item, "caregiver_hint", path),
            line=yamlfile.line_of(self.lines, path),
        )
        for i, message in rule_checks.order_problems(question, item.get("not_comparable", [])):
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
                    f"'{item['question']}'" + did_you_mean(item["question"], questions),
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
                        + did_you_mean(value, question.values)
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

    def _levels_declared(self, levels) -> None:
        """A level a rule or a red flag uses needs its words (only emergency_room may be left out)."""
        data = self.data
        used: list[tuple[object, tuple]] = [
            (rule.get("level"), ("rules", i, "level"))
            for i, rule in enumerate(data["rules"])
            if isinstance(rule, dict)
        ]
        used += [
            (option.get("red_flag"), ("questions", i, "options", j, "red_flag"))
            for i, question in enumerate(data["questions"])
            for j, option in enumerate(question.get("options", []) if isinstance(question, dict) else [])
            if isinstance(option, dict)
        ]
        declared = {level.id for level in levels}
        for level_id, path in used:
            if isinstance(level_id, str) and self.clean(path) and level_id not in declared:
                self.problem(
                    path,
                    f"{self.where(path)}: level {level_id} has no words under levels: add "
                    f"levels: {level_id}: with its heading and action",
                )
                return

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
        pages = steps.build(self, data.get("steps"), data.get("areas"), questions, unchecked)
        retired = steps.retired(self, data.get("retired", []), by_id, unchecked)
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
                say=self.optional_text(value, "say", ("levels", key)),
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
                    + did_you_mean(category, categories)
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
            review = review_dates.read_review(self, item.get("review"), path + ("review",), rule_id)
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
        self._levels_declared(levels)
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
            bands=bands.all_bands(questions, rules),
            retired=retired,
        )
