"""Start-up safety proofs: the app refuses to start with a rule file that is valid but unsafe.

`flask rules check` proves the four safety properties (triage/safety.py) for the clinician who
edits the file; the app proves them again at start-up on the rule set it has just built from the
bytes it read, so no path (a forgotten check, a file changed after it was checked) can put an
unsafe rule set in front of a patient. A property that the solver could only sample counts as
holding, exactly as in `flask rules check`.

The report is kept per process by the rule set's identity (its file, version and digest), so the
test suite's many apps on one file prove it once; a new gunicorn master is a new process and
proves again.
"""

from __future__ import annotations

from .. import safety
from ..engine.model import RuleSet
from ..startup import StartupError

_REPORTS: dict[tuple[str, str, str], safety.SafetyReport] = {}


def report_for(ruleset: RuleSet) -> safety.SafetyReport:
    """Return the safety report of a rule set, proving it once per process."""
    key = (ruleset.file, ruleset.version, ruleset.digest)
    report = _REPORTS.get(key)
    if report is None:
        report = _REPORTS[key] = safety.check(ruleset)
    return report


def refusal(ruleset: RuleSet, report: safety.SafetyReport) -> str:
    """Say, for the log, which properties fail and the first counterexample of each."""
    lines = [
        f"the rule file {ruleset.file} is valid but not safe, so no advice can be given "
        f"(version {ruleset.version}, {ruleset.digest}):"
    ]
    for result in report.properties:
        if result.ok:
            continue
        lines.append(f"  {result.number}. {result.name}: {result.status.upper()}")
        for finding in result.failures[:1]:
            lines.append(f"     counterexample: {finding.text}")
    lines.append(f"Run `flask rules check {ruleset.file}` for the whole report.")
    return "\n".join(lines)


def prove_or_refuse(ruleset: RuleSet) -> safety.SafetyReport:
    """Prove the rule set safe, or raise StartupError saying what fails."""
    report = report_for(ruleset)
    if not report.ok:
        raise StartupError(refusal(ruleset, report))
    return report
