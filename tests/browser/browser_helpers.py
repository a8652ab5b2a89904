"""What the browser tests share: the answers for each level, filling the form, axe, screenshots."""

from __future__ import annotations

import json
from pathlib import Path

from axe_playwright_python.base import AXE_FILE_PATH  # the package ships axe-core's axe.min.js

from triage import PROJECT_ROOT

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RESULTS = PROJECT_ROOT / "artifacts" / "axe"
AXE_SUMMARY: dict[str, dict] = {}

# One answer that gives each level on the shipped rules; every other question gets its first
# (mildest) option, and the number is left blank.
LEVEL_ANSWERS = {
    "emergency": {"breathing": "slow_or_shallow"},
    "urgent": {"pump_alarm": "yes"},
    "soon": {"headache": "positional"},
    "none": {},
}


def answers_for(ruleset, level: str, days: int | None = 20) -> dict:
    answers = {q.id: (days if q.number else q.values[0]) for q in ruleset.questions}
    answers.update(LEVEL_ANSWERS[level])
    return answers


def answer_by_tapping(page, ruleset, answers: dict) -> None:
    """Answer every question as a person does: tap the answer's label, type the number."""
    for question in ruleset.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.number:
            field = page.locator(f"input[name='{question.id}']")
            (field.tap if _touch(page) else field.click)()
            field.fill(str(value))
            continue
        radio = page.locator(f"input[name='{question.id}'][value='{value}']")
        label = page.locator(f"label[for='{radio.get_attribute('id')}']")
        (label.tap if _touch(page) else label.click)()
        assert radio.is_checked(), f"tapping the label did not choose {question.id}={value}"


def _touch(page) -> bool:
    return page.evaluate("() => navigator.maxTouchPoints > 0")


def page_language(page) -> str:
    return page.locator("html").get_attribute("lang")


def focused(page) -> dict:
    """Describe the element that has focus."""
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || '', type: e.type || '',
                value: e.value || '', checked: !!e.checked, text: (e.innerText || '').trim()}; }""")


def wait_for_focus(page, element_id: str, seconds: float = 5) -> bool:
    """Return True once the element has focus (autofocus lands just after the page loads)."""
    for _ in range(int(seconds * 20)):
        if focused(page)["id"] == element_id:
            return True
        page.wait_for_timeout(50)
    return False


def run_axe(page, name: str) -> list[dict]:
    """Run axe-core in the page at WCAG 2.2 AA; save the result; return the violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_FILE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
                           AXE_TAGS)
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    (AXE_RESULTS / f"{name}.json").write_text(json.dumps(
        {key: result[key] for key in ("url", "testEngine", "violations", "incomplete")}, indent=1))
    AXE_SUMMARY[name] = {"violations": len(result["violations"]), "passes": len(result["passes"]),
                         "incomplete": sorted(rule["id"] for rule in result["incomplete"]),
                         "axe": result["testEngine"]["version"]}
    return result["violations"]


def axe_report(violations: list[dict]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']}")
        lines += [f"    {', '.join(map(str, node['target']))}: {node['failureSummary']}"
                  for node in rule["nodes"][:5]]
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """Return how many CSS pixels the page is wider than the window (0 = no sideways scroll)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def shoot(page, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def press_button(page, name: str, *, tap: bool = False) -> None:
    """Activate a submit button and wait for the next page."""
    button = page.get_by_role("button", name=name)
    with page.expect_navigation():
        (button.tap if tap else button.click)()
