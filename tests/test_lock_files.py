"""The lock files: every line a pinned, hashed requirement that any requirements reader parses.

Issue 25 noted that pip-audit could not parse requirements-test.lock. pip-audit 2.10.1 and
2.7.3 (pip-requirements-parser 32) parse all three files here; what they cannot do on this
machine is look packages up, as the vulnerability services are not reachable. This keeps the
files in the form every reader parses: no editable (-e) or URL requirement and no index
options, only `name==version` lines, each with its sha256 hashes.
"""

from __future__ import annotations

import re

import pytest
from packaging.requirements import Requirement

from triage import PROJECT_ROOT

LOCKS = ["requirements.lock", "requirements-test.lock", "requirements-pip.lock"]


def requirements(text: str) -> list[tuple[str, list[str]]]:
    """Return each requirement of a lock file with its options, continuation lines joined."""
    logical = re.sub(r"\\\n\s*", " ", text)
    lines = [line.split(" #", 1)[0].strip() for line in logical.splitlines()]
    return [(line.split()[0], line.split()[1:]) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("name", LOCKS)
def test_every_line_is_a_pinned_requirement_with_its_hashes(name):
    found = requirements((PROJECT_ROOT / name).read_text("utf-8"))
    assert found, name
    for requirement, options in found:
        assert not requirement.startswith("-"), f"{name}: an option line {requirement!r}"
        parsed = Requirement(requirement)
        assert not parsed.url and not parsed.marker and not parsed.extras, requirement
        assert re.fullmatch(r"==[^,*]+", str(parsed.specifier)), requirement
        assert options and all(re.fullmatch(r"--hash=sha256:[0-9a-f]{64}", o) for o in options), requirement


def test_pip_and_setuptools_are_locked_for_the_installer_itself():
    names = {
        Requirement(r).name for r, _ in requirements((PROJECT_ROOT / "requirements-pip.lock").read_text())
    }
    assert names == {"pip", "setuptools"}
