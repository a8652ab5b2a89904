"""Every rule's `source` cites a section of the clinical basis, docs/clinical-basis.md.

A clinic that installs Pump Check has the project's docs/ and nothing beside it, so a source
names `docs/clinical-basis.md#section` (then the public source of the fact, in any words), where
`section` is a `<a id="section"></a>` line above a heading of that file. The review sheet links
each citation to /rules/basis#section, so a section that does not exist is a dead link for the
nurse who signs the rule off. `flask rules verify` runs this check with file:line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..engine.model import RuleSet
from ..startup import PROJECT_ROOT
from . import yamlfile
from .spelling import did_you_mean
from .yamlfile import Problem

BASIS = PROJECT_ROOT / "docs" / "clinical-basis.md"  # what /rules/basis shows
CITED = "docs/clinical-basis.md"
CITATION = re.compile(r"docs/clinical-basis\.md#([A-Za-z0-9_-]+)")
ANCHOR = re.compile(r'<a id="([A-Za-z0-9_-]+)"></a>')
OLD_STYLE = re.compile(r'\bref "|\.\./')  # a reference of the old shared folder, or outside the project


def sections(basis: str | Path) -> set[str]:
    """Return the sections a source may cite: the `<a id="...">` names of the basis file."""
    return set(ANCHOR.findall(Path(basis).read_text("utf-8")))


def problems(ruleset: RuleSet, lines: yamlfile.Lines, basis: str | Path = BASIS) -> list[Problem]:
    """Return a problem at the `source` line of each rule that cites no section, or one missing."""
    known = sections(basis)
    found = []
    for index, rule in enumerate(ruleset.rules):
        line = yamlfile.line_of(lines, ("rules", index, "source"))
        cited = CITATION.findall(rule.source)
        if not cited:
            found.append(
                Problem(
                    ruleset.file,
                    line,
                    f"rule '{rule.id}': its source cites no section of {CITED}; name the section "
                    f"the fact is explained in, e.g. {CITED}#{min(known, default='fever')}",
                )
            )
        elif OLD_STYLE.search(rule.source):
            found.append(
                Problem(
                    ruleset.file,
                    line,
                    f"rule '{rule.id}': its source points outside the project ('../' or 'ref \"...\"'); "
                    f"cite only {CITED}#section and the public source by name",
                )
            )
        for name in cited:
            if name not in known:
                found.append(
                    Problem(
                        ruleset.file,
                        line,
                        f"rule '{rule.id}': its source cites {CITED}#{name}, but {basis} has no "
                        f'section "{name}" (a line <a id="{name}"></a> above a heading)'
                        + did_you_mean(name, known),
                    )
                )
    return found
