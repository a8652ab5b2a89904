"""What the browser tests share: the answers for each level, filling the form, axe, screenshots."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from axe_playwright_python.base import AXE_FILE_PATH  # the package ships axe-core's axe.min.js

from triage import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))  # the journeys' driver: phone_journeys.py

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RESULTS = PROJECT_ROOT / "artifacts" / "axe"  # tests/conftest.py prints a summary of them

LEVELS = ("emergency", "emergency_room", "urgent", "soon", "none")


def story_for(ruleset, level: str) -> dict:
    """A person's answers giving `level` on the loaded rules: one sign's answers (for an
    emergency, a sign on the first page), the rest mildest; None where no sign alone gives it."""
    from triage import engine
    from triage.engine.model import Level

    wanted = Level.from_id(level)
    if wanted == Level.NONE:
        return {}
    for number, step in enumerate(ruleset.steps, start=1):
        for area in step.areas:
            for sign in area.signs:
                story = dict(sign.sets) or {q: ruleset.question(q).values[-1] for q in sign.opens}
                if (wanted != Level.EMERGENCY or number == 1) and engine.evaluate(
                    ruleset, story
                ).level == wanted:
                    return story
    return None


def go_through_check(page, ruleset, story: dict, *, tap: bool = False, heights: list | None = None) -> int:
    """From the page shown, answer each page as `story` says and continue, to the result (or an
    error page); return the taps. `heights`: each page's height in CSS px is appended."""
    from phone_journeys import taps_for_page

    taps = 0
    while "/check/" in page.url and "/check/result" not in page.url:
        if heights is not None:
            heights.append(page.evaluate("document.documentElement.scrollHeight"))
        taps += taps_for_page(page, ruleset, story, tap=tap)[0]
        button = page.locator("main form button[type=submit]").last
        with page.expect_navigation():
            (button.tap if tap else button.click)()
        taps += 1
        if page.locator("#error-summary").count():
            break
    return taps


def start(page, server, *, tap: bool = False, language: str | None = None) -> None:
    """Open the start page and press "Start the symptom check"."""
    page.goto(server + "/" + (f"?lang={language}" if language else ""))
    button = page.locator("main form[action='/check/new'] button").first
    with page.expect_navigation():
        (button.tap if tap else button.click)()
    assert "/check/" in page.url


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
    # resultTypes: every node of a violation or an "incomplete" (needs review) is reported as
    # before; for rules that pass, axe names one node instead of all (it still lists every rule).
    # Naming every passing node of the 240 KB review sheet took most of a minute.
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations', 'incomplete']})""",
        AXE_TAGS,
    )
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    saved = {key: result[key] for key in ("url", "testEngine", "violations", "incomplete")}
    (AXE_RESULTS / f"{name}.json").write_text(
        json.dumps({**saved, "passed": len(result["passes"])}, indent=1)
    )
    return result["violations"]


def axe_report(violations: list[dict]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']}")
        lines += [
            f"    {', '.join(map(str, node['target']))}: {node['failureSummary']}"
            for node in rule["nodes"][:5]
        ]
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
