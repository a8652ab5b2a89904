"""`flask rules verify`: the one gate for a change to a rule file and its cases.

Everything a clinic's change must pass, each failure as file:line in plain words: the file's
schema and clinic checks, the four safety proofs, every example case, a case where each rule
fires and a near miss where it stays silent, the reference floor table, each rule's source
citing a section of docs/clinical-basis.md, the reading level of every text in every language
(with each language's hardest text and grade), and the known slips of wording
(docs/wording-checks.yaml). pytest calls the same functions, so CI and the nurse agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import engine, safety
from ..engine.model import Level, RuleSet
from ..safety.proofs import report_for
from . import cases, citations, floor, readability, review_digest, wording, yamlfile
from .yamlfile import FileProblems, Problem


def default_cases(rules_file: str | Path) -> Path:
    """Return the example cases' folder for a rule file: tests/cases beside it."""
    return Path(rules_file).resolve().parent / "tests" / "cases"


def coverage(ruleset: RuleSet, outcomes: list[cases.Outcome]) -> list[Problem]:
    """Each rule needs a case where it fires and a near miss: a case that answers one of the
    rule's own questions and leaves it silent (a case answering nothing proves nothing)."""
    problems = []
    fired = {rule for outcome in outcomes for rule in outcome.rules}
    for rule in ruleset.rules:
        where = ruleset.where(rule).rsplit(":", 1)
        file, line = (where[0], int(where[1])) if len(where) == 2 else (ruleset.file, rule.line)
        asked = rule.when.questions()
        if rule.id not in fired:
            problems.append(
                Problem(
                    file,
                    line,
                    f"rule '{rule.id}': no example case makes it fire; "
                    "add a case with answers that trigger it",
                )
            )
        if not any(
            rule.id not in outcome.rules and asked & set(outcome.case.answers) for outcome in outcomes
        ):
            problems.append(
                Problem(
                    file,
                    line,
                    (
                        f"rule '{rule.id}': no near-miss case; add a case that answers "
                        f"{' or '.join(sorted(asked))} but where this rule stays silent"
                    ),
                )
            )
    return problems


def reading_level(ruleset: RuleSet, lines) -> tuple[list[Problem], dict[str, list[readability.Graded]]]:
    """Return a problem for each text above grade 8, and every text's grade by language (each
    medical word of the glossary is explained in the app's own words too: pytest checks that)."""
    problems: list[Problem] = []
    grades: dict[str, list[readability.Graded]] = {}
    for language in ruleset.languages:
        if language not in readability.MEASURED_LANGUAGES:
            continue
        grades[language] = []
        for path, what, text in readability.units(ruleset, language):
            value = readability.grade(text, language)
            line = yamlfile.line_of(lines, path)
            grades[language].append(readability.Graded(value, what, line))
            if readability.too_hard(value, language):
                problems.append(
                    Problem(
                        ruleset.file,
                        line,
                        (
                            f"{what} in '{language}' reads at grade {value:.1f}, above grade "
                            f"{readability.MAX_GRADE}: use shorter sentences and shorter words"
                        ),
                    )
                )
    return problems, grades


def wording_slips(
    ruleset: RuleSet, checks_file: str | Path = wording.CHECKS_FILE
) -> tuple[list[Problem], list[str], int]:
    """Return the known slips of wording (docs/wording-checks.yaml) in every text of the rule
    file, each a problem at its file:line, or a warning where its check is marked `pending`
    (slips known in the shipped texts, being fixed); and how many texts were read."""
    checks = wording.load_checks(checks_file)
    problems: list[Problem] = []
    warnings: list[str] = []
    read = 0
    for language, line, text in wording.rule_file_texts(ruleset.file, checks):
        read += 1
        for check in checks.get(language, ()):
            for found in wording.found_in(check, text):
                message = f"({language}) {found!r}: write {check.use} (docs/glossary-es.md)"
                if check.pending:
                    warnings.append(f"{ruleset.file}:{line}: {message}; a known slip, being fixed")
                else:
                    problems.append(Problem(ruleset.file, line, message))
    return problems, warnings, read


def emergency_without_red_flag(ruleset: RuleSet) -> list[str]:
    """Warn about each answer that reaches EMERGENCY on its own but has no `red_flag`.

    When the mildest answers already give EMERGENCY (options listed in the wrong order), every
    answer would be named: the monotonicity proof names the one line to fix instead."""
    warnings: list[str] = []
    if engine.evaluate(ruleset, {}).level == Level.EMERGENCY:
        return warnings
    for question in ruleset.questions:
        for option in question.options:
            if (
                option.red_flag is None
                and engine.evaluate(ruleset, {question.id: option.value}).level == Level.EMERGENCY
            ):
                warnings.append(
                    f"{ruleset.file}:{option.line}: `{question.id}: {option.value}` "
                    "gives EMERGENCY on its own but has no red_flag; add "
                    "`red_flag: emergency` so the safety check holds it there"
                )
    return warnings


@dataclass
class Step:
    name: str
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # figures worth seeing when all is well
    seconds: float = 0.0


def run(
    ruleset: RuleSet,
    cases_dir: str | Path,
    say: Callable[[Step], None] = lambda step: None,
    prove: bool = True,
    basis: str | Path = citations.BASIS,
) -> list[Step]:
    """Run every check after loading (which the caller did); call say() after each step."""
    steps: list[Step] = []

    def step(name: str, work: Callable[[Step], None]) -> None:
        started = time.perf_counter()
        current = Step(name)
        work(current)
        current.seconds = time.perf_counter() - started
        steps.append(current)
        say(current)

    def proofs(current: Step) -> None:
        # Proved, the report is the one the app's start-up reads (proofs.report_for): the walk
        # through the pages that follows does not prove the same rule set twice.
        report = report_for(ruleset) if prove else safety.check(ruleset, prove=False)
        for result in report.properties:
            for finding in result.failures:
                current.problems.append(_finding_problem(ruleset, result.name, finding))
            current.warnings += [f"{result.name}: {finding.text}" for finding in result.warnings]
        current.summary = ", ".join(f"{r.name} {r.status}" for r in report.properties)

    outcomes: list[cases.Outcome] = []
    lines: list[yamlfile.Lines] = []

    def file_lines() -> yamlfile.Lines:
        """The line of each value of the rule file, read once (for file:line)."""
        if not lines:
            lines.append(yamlfile.load(ruleset.file)[1])
        return lines[0]

    def examples(current: Step) -> None:
        try:
            loaded = cases.load_cases([cases_dir], ruleset)
        except FileProblems as error:
            current.problems += error.problems
            return
        outcomes.extend(cases.run_case(ruleset, case) for case in loaded)
        for outcome in outcomes:
            if not outcome.passed:
                current.problems.append(
                    Problem(outcome.case.file, outcome.case.line, outcome.explain().split(": ", 1)[1])
                )
        current.summary = f"{len(outcomes) - len(current.problems)} of {len(outcomes)} cases pass"
        if not outcomes:
            current.problems.append(Problem(str(cases_dir), 0, "there are no example cases here"))

    def covered(current: Step) -> None:
        current.problems += coverage(ruleset, outcomes) if outcomes else []
        current.summary = f"{len(ruleset.rules)} rules"

    def reference(current: Step) -> None:
        table = Path(cases_dir) / floor.FLOOR_FILE
        if not table.exists():
            current.summary = f"no {floor.FLOOR_FILE} beside the cases: not checked"
            return
        current.problems, tried = floor.check(ruleset, table)
        current.summary = f"{tried:,} sets of answers against {table}"

    def reading(current: Step) -> None:
        current.problems, grades = reading_level(ruleset, file_lines())
        current.summary = f"{sum(map(len, grades.values()))} texts"
        current.notes += [readability.summary(language, rows) for language, rows in grades.items()]

    def sources(current: Step) -> None:
        current.problems = citations.problems(ruleset, file_lines(), basis)
        current.summary = f"{len(ruleset.rules)} sources against {basis}"

    def reviewed(current: Step) -> None:
        changed = review_digest.changed_since_review(ruleset)
        current.warnings += [item.sentence(ruleset) for item in changed]
        current.summary = f"{len(ruleset.rules) - len(changed)} of {len(ruleset.rules)} rules as reviewed"

    def worded(current: Step) -> None:
        if not Path(wording.CHECKS_FILE).exists():
            current.summary = f"no {wording.CHECKS_FILE}: not checked"
            return
        current.problems, current.warnings, read = wording_slips(ruleset)
        current.summary = f"{read} texts against {Path(wording.CHECKS_FILE).name}"

    def unflagged(current: Step) -> None:
        current.warnings += emergency_without_red_flag(ruleset)
        current.summary = "answers that reach EMERGENCY on their own"

    step("Safety proofs", proofs)
    step("Red flags", unflagged)
    step("Example cases", examples)
    step("A case and a near miss for every rule", covered)
    step("Reference floor table", reference)
    step("Sources", sources)
    step("Reading level", reading)
    step("Wording", worded)
    step("Changed since review", reviewed)
    return steps


def _finding_problem(ruleset: RuleSet, name: str, finding: safety.Finding) -> Problem:
    """Place a safety counterexample at the line to change (see safety/words.py)."""
    line = finding.line or next((r.line for r in ruleset.rules if r.id in finding.rules), 1)
    return Problem(
        ruleset.file, line, f"{name}: {finding.text}" + (f" ({finding.detail})" if finding.detail else "")
    )
