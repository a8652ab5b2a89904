"""A rule file tried on the pages it drives (triage/walk.py, issue 25 M2): a name the pages need
for themselves is refused with file:line, by start-up and by `flask rules verify`, and verify
walks the check and a call once."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TEST_CONFIG

from triage import StartupError, create_app
from triage.cli import rules_group

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"


STEPS = (
    "steps:\n  - id: symptoms\n    title: {en: All}\n    questions: [days_since_surgery, fever, redness]\n"
)


def _file(tmp_path, old: str, new: str) -> tuple[Path, int]:
    """The minimal valid rule file, with one page, and every `old` written `new`; the line of
    the first."""
    text = (MINIMAL.read_text("utf-8") + STEPS).replace(old, new)
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    line = next(i for i, words in enumerate(text.splitlines(), 1) if f"id: {new}" in words)
    return path, line


CASES = [
    ("redness", "reference", "question 'reference': call mode posts a field of that name"),
    ("symptoms", "result", "step 'result': /check/result is a page of the check itself"),
]


@pytest.mark.parametrize(("old", "new", "message"), CASES)
def test_a_name_the_pages_need_is_refused_at_start_up_with_its_line(tmp_path, old, new, message):
    path, line = _file(tmp_path, old, new)
    with pytest.raises(StartupError) as caught:
        create_app({**TEST_CONFIG, "RULES_FILE": str(path)})
    assert f"{path}:{line}: {message}" in str(caught.value)


def test_verify_refuses_such_a_file_at_its_line(tmp_path):
    from click.testing import CliRunner

    path, line = _file(tmp_path, "redness", "reference")
    refused = CliRunner().invoke(rules_group, ["verify", str(path), "--cases", str(tmp_path)])
    assert refused.exit_code == 1
    assert "Pages and call mode: 1 to fix" in refused.output
    assert f"{path}:{line}: question 'reference'" in " ".join(refused.output.split())  # lines wrap
