"""`flask rules ...`: check, test, show and diff the rule file, for the clinician who edits it.

Registered through the `flask.commands` entry point (see pyproject.toml), so these commands
run even when the app itself cannot start because the rule file is broken.
"""

from __future__ import annotations

import datetime
import os
import textwrap
import time
from pathlib import Path

import click

from . import rules, safety
from .engine.model import Level
from .rules import cases, review
from .rules import diff as rules_diff
from .rules.review_dates import review_warnings
from .rules.yamlfile import FileProblems
from .safety import proofs
from .startup import PROJECT_ROOT, SHIPPED_RULES, StartupError

DEFAULT_CASES = PROJECT_ROOT / "tests" / "cases"


def _rules_file(file: str | None) -> str:
    return file or os.environ.get("FLASK_RULES_FILE") or str(SHIPPED_RULES)


def _load_or_exit(file: str):
    try:
        return rules.load(file)
    except FileProblems as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        click.echo(
            f"{count} problem{'s' * (count != 1)}: {file} cannot be used; the app will not start with it.",
            err=True,
        )
        raise SystemExit(1) from None


@click.group("rules")
def rules_group():
    """Check, test and show the triage rule file."""


@rules_group.command("check")
@click.argument("file", required=False)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge review dates as on this day, YYYY-MM-DD (default: today).",
)
def check(file, today):
    """Validate a rule file (default: FLASK_RULES_FILE or the shipped rules.yaml), then prove
    it safe: totality, monotonicity, red-flag floor and reachability."""
    file = _rules_file(file)
    ruleset = _load_or_exit(file)
    click.echo(
        f"{file}: valid. Version {ruleset.version} ({ruleset.digest}), "
        f"{len(ruleset.questions)} questions, {len(ruleset.rules)} rules."
    )
    report = proofs.report_for(ruleset)  # proved once per process and rule set, as at start-up
    click.echo(_wrapped(f"Safety checks over {report.states:,} sets of answers ({report.space}):", 0))
    for result in report.properties:
        status = result.status.upper()
        if result.status == safety.SAMPLED:
            status = f"SAMPLED ({result.states:,} states)"
        click.echo(f"  {result.number}. {result.name + ':':<16}{status}")
        click.echo(_wrapped(result.how, 7))
        for finding in result.failures:
            click.echo(_wrapped("counterexample: " + finding.text, 7))
            if finding.detail:
                click.echo(_wrapped(finding.detail, 9))
        for finding in result.warnings:
            click.echo(_wrapped("warning: " + finding.text, 7))
    click.echo(f"Safety checks took {report.seconds:.1f} s.")
    day = today.date() if today else datetime.date.today()
    for warning in review_warnings(ruleset, day):
        click.echo("warning: " + warning)
    failed = [result.name for result in report.properties if not result.ok]
    if failed:
        click.echo(
            f"{file} is not safe to use: {', '.join(failed)} "
            f"{'does' if len(failed) == 1 else 'do'} not hold. Fix the rules above.",
            err=True,
        )
        raise SystemExit(1)


def _wrapped(text: str, indent: int) -> str:
    return textwrap.fill(
        text,
        width=100,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2),
        break_on_hyphens=False,
    )


@rules_group.command("test")
@click.argument("paths", nargs=-1)
@click.option("--rules", "rules_file", help="The rule file to test (default: the shipped one).")
def test(paths, rules_file):
    """Run example cases (default: tests/cases) and show each failure."""
    ruleset = _load_or_exit(_rules_file(rules_file))
    try:
        loaded = cases.load_cases(paths or [DEFAULT_CASES])
    except FileProblems as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    outcomes = [cases.run_case(ruleset, case) for case in loaded]
    failed = [outcome for outcome in outcomes if not outcome.passed]
    for outcome in failed:
        click.echo("FAIL " + outcome.explain())
    fired = {rule for outcome in outcomes for rule in outcome.rules}
    unfired = [rule.id for rule in ruleset.rules if rule.id not in fired]
    for rule_id in unfired:
        click.echo(f"not covered: no case makes rule '{rule_id}' fire")
    click.echo(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} cases pass (rules version {ruleset.version})."
    )
    if failed or not outcomes:
        raise SystemExit(1)


def _pages_step(file: str):
    """The pages the file drives, tried: names they post, a walk through the check and a call."""
    import secrets

    from . import create_app, walk
    from .rules.verify import Step
    from .rules.yamlfile import Problem

    step = Step("Pages and call mode", summary="the pages the file drives")
    started = time.perf_counter()
    try:
        app = create_app({"SECRET_KEY": secrets.token_hex(16), "RULES_FILE": file, "TESTING": True})
    except walk.ReservedNames as problem:
        step.problems = problem.problems
    except StartupError as problem:
        step.problems = [Problem(file, 0, str(problem))]
    else:
        step.problems = walk.walk_problems(app)
        step.summary = "the check walked with nothing ticked, then with every sign that asks more, and a call"
    step.seconds = time.perf_counter() - started
    return step


@rules_group.command("verify")
@click.argument("file", required=False)
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(file_okay=False),
    help="The example cases' folder, with reference_floor.yaml (default: tests/cases beside the rule file).",
)
def verify_command(file, cases_dir):
    """The one gate for a rules change: validate FILE, prove it safe, run every example case,
    check a case and a near miss for each rule, the reference floor, that each source cites a
    section of docs/clinical-basis.md, and the reading level (printing each language's grades)."""
    from .rules import verify

    started = time.perf_counter()
    file = _rules_file(file)
    ruleset = _load_or_exit(file)
    cases_dir = cases_dir or str(verify.default_cases(file))
    if not Path(cases_dir).is_dir():
        click.echo(f"{cases_dir}: no such folder of example cases; give one with --cases DIR", err=True)
        raise SystemExit(1)
    click.echo(f"{file}: valid. Version {ruleset.version} ({ruleset.digest}); cases in {cases_dir}")

    def say(step) -> None:
        status = "ok" if not step.problems else f"{len(step.problems)} to fix"
        click.echo(f"{step.name}: {status} ({step.summary}; {step.seconds:.1f} s)")
        for note in step.notes:
            click.echo(_wrapped(note, 2))
        for problem in step.problems:
            click.echo(_wrapped(str(problem), 2))
        for warning in step.warnings:
            click.echo(_wrapped("warning: " + warning, 2))

    steps = verify.run(ruleset, cases_dir, say)
    pages = _pages_step(file)
    say(pages)
    for warning in review_warnings(ruleset, datetime.date.today()):
        click.echo("warning: " + warning)
    count = sum(len(step.problems) for step in [*steps, pages])
    seconds = time.perf_counter() - started
    if count:
        click.echo(
            f"{count} problem{'s' * (count != 1)} to fix ({seconds:.0f} s): {file} and its "
            "cases do not pass.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"All checks pass ({seconds:.0f} s): {file} with the cases in {cases_dir}.")


@rules_group.command("show")
@click.argument("file", required=False)
@click.option(
    "--by-level", is_flag=True, help="Group the rules by level (emergency first) instead of by category."
)
def show(file, by_level):
    """Print the whole rule set as sentences, grouped by category, for clinical review."""
    ruleset = _load_or_exit(_rules_file(file))
    click.echo(by_level_text(ruleset) if by_level else review.sheet_text(ruleset))


def by_level_text(ruleset, width: int = 78) -> str:
    """Return every rule grouped by level, most urgent first, then a category x level count."""

    def wrapped(text: str, first: str, rest: str | None = None) -> str:
        return textwrap.fill(
            " ".join(text.split()),
            width=width,
            initial_indent=first,
            subsequent_indent=" " * len(first) if rest is None else rest,
            break_on_hyphens=False,
        )

    lines = [
        f"Pump Check rule set, version {ruleset.version} (digest {ruleset.digest})",
        f"File: {ruleset.file}",
    ]
    for level in sorted(Level, reverse=True):
        action = ruleset.levels[level].action.in_language("en")
        members = [rule for rule in ruleset.rules if rule.level == level]
        if level == Level.NONE:
            lines += ["", wrapped(action, "When no rule matches, the patient is told: ", "")]
            break
        lines += [
            "",
            f"== {level.id.upper()}: {len(members)} rules",
            wrapped(action, "The patient is told: ", ""),
            "",
        ]
        for rule in members:
            category = ruleset.categories[rule.category].title.in_language("en")
            lines.append(wrapped(f"{rule.id} ({category}): {rule.title.in_language('en')}", "  ", "    "))
            lines.append(wrapped(f"If {review.condition_text(rule.when, ruleset)}", "    "))
            lines.append(wrapped(rule.advice.in_language("en"), "    Advice: "))
            lines.append(wrapped(rule.source, "    Source: "))
            lines.append("")
    levels = [level for level in sorted(Level, reverse=True) if level != Level.NONE]
    name_width = max(len(category) for category in [*ruleset.categories, "category"]) + 2
    lines += [
        "",
        "Rules by category and level",
        f"{'category':<{name_width}}"
        + "".join(f"{COLUMN.get(level, level.id):>11}" for level in levels)
        + f"{'total':>8}",
    ]
    for category in ruleset.categories:
        counts = [sum(r.category == category and r.level == level for r in ruleset.rules) for level in levels]
        lines.append(
            f"{category:<{name_width}}"
            + "".join(f"{count:>11}" for count in counts)
            + f"{sum(counts):>8}"
            + ("   <- no rules" if not sum(counts) else "")
        )
    if Level.EMERGENCY_ROOM in levels:
        lines.append(f"({COLUMN[Level.EMERGENCY_ROOM]} = emergency_room: go to the emergency room now)")
    return "\n".join(lines)


# A column of the table above is 11 characters wide: the one level id longer than that is shortened.
COLUMN = {Level.EMERGENCY_ROOM: "er_now"}


@rules_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--cases", "case_paths", multiple=True, help="Example case files or folders (default: tests/cases)."
)
def diff(old, new, case_paths):
    """Show what changes from OLD to NEW: rules, questions, and every example case's result."""
    before, after = _load_or_exit(old), _load_or_exit(new)
    try:
        loaded = cases.load_cases(case_paths or [DEFAULT_CASES])
    except FileProblems as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(rules_diff.diff_text(rules_diff.diff(before, after, loaded)), nl=False)
