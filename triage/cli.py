"""`flask rules ...`: check, test, show and diff the rule file, for the clinician who edits it.

Registered through the `flask.commands` entry point (see pyproject.toml), so these commands
run even when the app itself cannot start because the rule file is broken.
"""

from __future__ import annotations

import os

import click

from . import PROJECT_ROOT, SHIPPED_RULES, cases, review, rules
from .yamlfile import FileProblems

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
        click.echo(f"{count} problem{'s' * (count != 1)}: {file} cannot be used; "
                   "the app will not start with it.", err=True)
        raise SystemExit(1) from None


@click.group("rules")
def rules_group():
    """Check, test and show the triage rule file."""


@rules_group.command("check")
@click.argument("file", required=False)
def check(file):
    """Validate a rule file (default: FLASK_RULES_FILE or the shipped rules.yaml)."""
    file = _rules_file(file)
    ruleset = _load_or_exit(file)
    click.echo(f"{file}: valid. Version {ruleset.version} ({ruleset.digest}), "
               f"{len(ruleset.questions)} questions, {len(ruleset.rules)} rules.")


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
    click.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} cases pass "
               f"(rules version {ruleset.version}).")
    if failed or not outcomes:
        raise SystemExit(1)


@rules_group.command("show")
@click.argument("file", required=False)
def show(file):
    """Print the whole rule set as sentences, grouped by category, for clinical review."""
    click.echo(review.sheet_text(_load_or_exit(_rules_file(file))))


@rules_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--cases", "case_paths", multiple=True,
              help="Example case files or folders (default: tests/cases).")
def diff(old, new, case_paths):
    """Show what changes from OLD to NEW: rules, questions, and every example case's result."""
    before, after = _load_or_exit(old), _load_or_exit(new)
    try:
        loaded = cases.load_cases(case_paths or [DEFAULT_CASES])
    except FileProblems as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(review.diff_text(review.diff(before, after, loaded)), nl=False)
