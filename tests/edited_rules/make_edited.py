"""Write a clinic's edited copy of the shipped rules.yaml and its example cases.

    python tests/edited_rules/make_edited.py OUT_DIR

writes OUT_DIR/rules.yaml and OUT_DIR/tests/cases/*.yaml (where `flask rules verify
OUT_DIR/rules.yaml` looks for them), with the three edits of issue 17 made as a nurse makes
them, by editing the file's text. No rule, question or answer is named here: each edit finds
its place in the loaded rules, and the text is changed at the lines the loader reports.

  (a) reword: the advice of the first rule at the highest level whose advice is a folded block
      (`en: >-`) gets one more sentence in English and in Spanish;
  (b) lower: the first urgent rule that is one answer to one choice question (a question no
      `not:` reads) becomes soon, with the urgent red flags of its answers, and each example
      case and reference floor row whose result that lowers (as the nurse updates them);
  (c) add: a new question (chest pain) at the end of the first step, with an emergency red flag,
      its category, an emergency rule citing docs/clinical-basis.md and two cases (it fires;
      a near miss), expected as the shipped rules answer the other questions.

No Python of the product changes. `make test` runs `rules verify` on this copy, then the tests
of the front doors that show rule content against it (the Makefile's CONTENT_TESTS), so a test
that pins the shipped content fails there. When the rules give an edit no place (say no urgent
rule is one answer), the script says which and exits 3: the Makefile then runs those tests on
the shipped rules instead and says so, rather than failing the clinic's build. An edited file
that does not load is a failure (exit 1): every edit was placed where the loader said.
"""

from __future__ import annotations

import datetime
import re
import sys
import tempfile
from pathlib import Path

from triage import engine, rules
from triage.engine.conditions import Not
from triage.engine.model import Level, RuleSet
from triage.rules import cases, citations, floor, yamlfile
from triage.rules.yamlfile import FileProblems

PROJECT = Path(__file__).resolve().parents[2]
NOT_APPLICABLE = 3
BLOCK = re.compile(r":\s*[>|][-+]?\s*$")  # `en: >-` and the like: the text follows, indented
SENTENCE = {"en": "Do not wait to see if it gets better.", "es": "No espere a ver si mejora."}


class Missing(Exception):
    """These rules give an edit no place."""


class Edits:
    """Changes to a file's lines, by the line numbers it was read with, made all at once."""

    def __init__(self, text: str):
        self.lines = text.splitlines(keepends=True)
        self.changes: list[tuple[int, int, str, str]] = []  # (line, 0 replace / 1 insert, old, new)

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def replace(self, number: int, old: str, new: str) -> None:
        if self.line(number).count(old) != 1:
            raise Missing(f"line {number} does not read {old!r}: {self.line(number).strip()!r}")
        self.changes.append((number, 0, old, new))

    def insert_after(self, number: int, text: str) -> None:
        self.changes.append((number, 1, "", text))

    def insert_before_item(self, number: int, text: str) -> None:
        """Insert before line `number`, above the blank and comment lines that lead to it."""
        while number > 1 and self.line(number - 1).strip()[:1] in ("", "#"):
            number -= 1
        self.insert_after(number - 1, text)

    def indent(self, number: int) -> int:
        line = self.line(number)
        return len(line) - len(line.lstrip(" "))

    def text(self) -> str:
        lines = list(self.lines)
        for number, kind, old, new in sorted(self.changes, key=lambda c: (c[0], c[1]), reverse=True):
            if kind == 0:
                lines[number - 1] = lines[number - 1].replace(old, new)
            else:
                lines.insert(number, new)
        return "".join(lines)


def negated(condition) -> set[str]:
    """Return the questions a condition reads under a `not:`."""
    if isinstance(condition, Not):
        return condition.questions()
    return set().union(*(negated(part) for part in getattr(condition, "parts", ())))


def unique(name: str, taken) -> str:
    return next(
        f"{name}{suffix}" for suffix in ("", "_2", "_3", "_4", "_5") if f"{name}{suffix}" not in taken
    )


# (a) the advice of one rule, reworded in English and Spanish.
def reword(ruleset: RuleSet, lines: yamlfile.Lines, file: Edits) -> str:
    languages = [language for language in ruleset.languages if language in SENTENCE]
    ranked = sorted(enumerate(ruleset.rules), key=lambda item: -item[1].level)  # stable: file order
    for index, rule in ranked:
        at = [lines.get(("rules", index, "advice", language)) for language in languages]
        if languages and all(number and BLOCK.search(file.line(number)) for number in at):
            for language, number in zip(languages, at, strict=True):
                file.insert_after(number, " " * file.indent(number + 1) + SENTENCE[language] + "\n")
            return f"the advice of rule '{rule.id}' reworded in {', '.join(languages)}"
    raise Missing("no rule's advice is a folded block (`en: >-`) in English and Spanish")


# (b) one urgent rule lowered to soon, with its red flags (cases and floor rows: see below).
def lower(ruleset: RuleSet, lines: yamlfile.Lines, file: Edits) -> str:
    under_not = set().union(*(negated(rule.when) for rule in ruleset.rules))
    candidates = [
        (index, rule)
        for index, rule in enumerate(ruleset.rules)
        if rule.level == Level.URGENT
        and getattr(rule.when, "values", None) is not None  # one answer to one choice question
        and rule.when.question not in under_not
    ]

    def alone(rule) -> bool:
        """True when the rule alone makes one of its answers urgent (so lowering it shows)."""
        answer = {rule.when.question: sorted(rule.when.values)[0]}
        return [w.rule for w in engine.evaluate(ruleset, answer).warnings if w.level >= Level.URGENT] == [
            rule
        ]

    for index, rule in sorted(candidates, key=lambda item: not alone(item[1])):  # stable: file order
        question_id, values = rule.when.question, rule.when.values
        number = ruleset.question_order[question_id]
        file.replace(lines[("rules", index, "level")], "level: urgent", "level: soon")
        flags = 0
        for position, option in enumerate(ruleset.questions[number].options):
            if option.value in values and option.red_flag == Level.URGENT:
                at = lines[("questions", number, "options", position, "red_flag")]
                file.replace(at, "red_flag: urgent", "red_flag: soon")
                flags += 1
        return f"rule '{rule.id}' lowered from urgent to soon with {flags} red flag(s)"
    raise Missing("no urgent rule is one answer to one question that no `not:` reads")


# (c) a new question with an emergency rule, a red flag and two cases.
def add_question(ruleset: RuleSet, data, lines: yamlfile.Lines, file: Edits, sections: set[str]):
    if not {"en", "es"} >= set(ruleset.languages):
        raise Missing(f"the new question has words in en and es only, not {', '.join(ruleset.languages)}")
    qid = unique("chest_pain", {*ruleset.questions_by_id, *ruleset.categories})
    rule_id = unique("chest-pain", {rule.id for rule in ruleset.rules})
    say = {
        "title": {"en": "Chest pain", "es": "Dolor de pecho"},
        "text": {
            "en": "Do you have new pain or pressure in your chest?",
            "es": "¿Tiene dolor o presión nueva en el pecho?",
        },
        "no": {"en": '"No"', "es": '"No"'},
        "yes": {"en": '"Yes"', "es": '"Sí"'},
        "rule": {"en": "New chest pain", "es": "Dolor de pecho nuevo"},
        "sign": {"en": '"New chest pain or pressure"', "es": '"Dolor o presión nueva en el pecho"'},
        "advice": {
            "en": "New pain or pressure in the chest can be a heart or lung problem. "
            "Call {emergency_number} now.",
            "es": "Un dolor o presión nueva en el pecho puede ser un problema del corazón o de los pulmones. "
            "Llame al {emergency_number} ahora.",
        },
    }

    def words(key: str, indent: int) -> str:
        return "".join(f"{' ' * indent}{language}: {say[key][language]}\n" for language in ruleset.languages)

    def flow(key: str) -> str:
        return "{" + ", ".join(f"{language}: {say[key][language]}" for language in ruleset.languages) + "}"

    at = lines[("categories",)]
    pad = " " * file.indent(at + 1)
    file.insert_after(at, f"{pad}{qid}:\n" + words("title", len(pad) + 2))

    first = ruleset.steps[0]
    last = ruleset.question_order[first.questions[-1]]
    after = lines.get(("questions", last + 1)) or _next_top_level(file, lines[("questions", last)])
    item = " " * file.indent(lines[("questions", 0)])
    file.insert_before_item(
        after,
        f"\n{item}- id: {qid}\n{item}  text:\n" + words("text", len(item) + 4) + f"{item}  options:\n"
        f"{item}    - value: no\n{item}      label: {flow('no')}\n"
        f"{item}    - value: yes\n{item}      label: {flow('yes')}\n{item}      red_flag: emergency\n",
    )
    if first.areas:  # the first page is a checklist: the new question is one more sign in it
        area = next(i for i, a in enumerate(data["areas"]) if a["id"] == first.areas[0].id)
        at = lines[("areas", area, "signs")]
        pad = " " * file.indent(lines[("areas", area, "signs", 0)])
        file.insert_after(
            at,
            f"{pad}- id: {qid}\n{pad}  label: {flow('sign')}\n{pad}  sets: {{{qid}: yes}}\n",
        )
    elif ("steps", 0, "questions") in lines:  # the file lists its steps: add the question to the first
        at = lines[("steps", 0, "questions")]
        if file.line(at).rstrip().endswith("]"):
            file.replace(at, "]", f", {qid}]")
        else:
            end = lines[("steps", 0, "questions", len(first.questions) - 1)]
            file.insert_after(end, f"{' ' * file.indent(end)}- {qid}\n")

    today = datetime.date.today()
    basis = "urgency" if "urgency" in sections else min(sections)
    item = " " * file.indent(lines[("rules", 0)])
    file.insert_after(
        lines[("rules",)],
        f"{item}- id: {rule_id}\n{item}  category: {qid}\n{item}  level: emergency\n"
        f"{item}  when: {{question: {qid}, is: yes}}\n{item}  title:\n"
        + words("rule", len(item) + 4)
        + f"{item}  advice:\n"
        + words("advice", len(item) + 4)
        + f"{item}  source: docs/clinical-basis.md#{basis} (the clinic's own addition)\n"
        f"{item}  review:\n{item}    by: the clinic's nurse, awaiting sign-off\n"
        f"{item}    on: {today}\n{item}    next_due: {today + datetime.timedelta(days=182)}\n\n",
    )
    calm = engine.evaluate(ruleset, {})  # the other questions unanswered, as in the two cases
    shown = sorted({warning.rule.category for warning in calm.warnings})
    new_cases = (
        f"# The clinic's new question: {say['title']['en'].lower()}.\n\n"
        f"- name: {say['rule']['en'].lower()} is an emergency\n  answers: {{{qid}: yes}}\n"
        f"  level: emergency\n  categories: [{', '.join(sorted({*shown, qid}))}]\n\n"
        f"- name: near miss - no {say['title']['en'].lower()}\n  answers: {{{qid}: no}}\n"
        f"  level: {calm.level.id}\n  categories: [{', '.join(shown)}]\n"
    )
    return f"question '{qid}' added with rule '{rule_id}'", f"{qid}.yaml", new_cases


def _next_top_level(file: Edits, number: int) -> int:
    """Return the line of the next top-level key after line `number`."""
    while number < len(file.lines) and (file.line(number + 1)[:1] in (" ", "#", "\n", "")):
        number += 1
    return number + 1


def follow_cases(shipped: RuleSet, edited: RuleSet, cases_dir: Path) -> tuple[dict[str, str], int]:
    """Return each case file's text with the cases whose result the edits change updated."""
    texts, changed = {}, 0
    for path in cases.case_files([cases_dir]):
        file = Edits(path.read_text("utf-8"))
        _, lines = yamlfile.load(path)
        for case in cases.load_cases([path], shipped):
            before, after = cases.run_case(shipped, case), cases.run_case(edited, case)
            if not before.passed or (before.level, before.categories) == (after.level, after.categories):
                continue
            index = next(key[0] for key, line in lines.items() if len(key) == 1 and line == case.line)
            file.replace(lines[(index, "level")], f"level: {before.level}", f"level: {after.level}")
            if after.categories != before.categories:
                at = lines[(index, "categories")]
                file.replace(
                    at, file.line(at).split(":", 1)[1].strip(), f"[{', '.join(sorted(after.categories))}]"
                )
            changed += 1
        texts[path.name] = file.text()
    return texts, changed


def follow_floor(edited: RuleSet, table: Path) -> tuple[str, int]:
    """Return the floor table with each row the lowered rule now falls below lowered to soon."""
    file = Edits(table.read_text("utf-8"))
    _, lines = yamlfile.load(table)
    problems, _ = floor.check(edited, table)
    for problem in problems:
        index = next(key[0] for key, line in lines.items() if len(key) == 1 and line == problem.line)
        file.replace(lines[(index, "level")], "level: urgent", "level: soon")
    return file.text(), len(problems)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out = Path(argv[1])
    shipped_file = PROJECT / "rules.yaml"
    cases_dir = PROJECT / "tests" / "cases"
    shipped = rules.load(shipped_file)
    data, lines = yamlfile.load(shipped_file)
    file = Edits(shipped_file.read_text("utf-8"))
    try:
        said = [reword(shipped, lines, file), lower(shipped, lines, file)]
        added, case_file, new_cases = add_question(
            shipped, data, lines, file, citations.sections(citations.BASIS)
        )
        said.append(added)
        file.replace(lines[("version",)], shipped.version, f"{shipped.version}-clinic-edit")
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / "rules.yaml"
            trial.write_text(file.text(), "utf-8")
            try:
                edited = rules.load(trial)
            except FileProblems as error:
                print(f"the edited copy of rules.yaml does not load:\n{error}", file=sys.stderr)
                return 1
        texts, changed = follow_cases(shipped, edited, cases_dir)
        floor_text, rows = follow_floor(edited, cases_dir / floor.FLOOR_FILE)
    except Missing as error:
        print(f"the edited-rules check does not apply to this rules.yaml: {error}", file=sys.stderr)
        return NOT_APPLICABLE
    (out / "tests" / "cases").mkdir(parents=True, exist_ok=True)
    (out / "rules.yaml").write_text(file.text(), "utf-8")
    for name, text in {**texts, floor.FLOOR_FILE: floor_text, case_file: new_cases}.items():
        (out / "tests" / "cases" / name).write_text(text, "utf-8")
    print(
        f"{out / 'rules.yaml'}: the shipped rules with three edits: {'; '.join(said)}; "
        f"{changed} example case(s) and {rows} floor row(s) follow the lowered rule"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
