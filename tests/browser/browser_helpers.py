"""What the browser tests share: the answers for each level, filling the form, axe, screenshots."""

from __future__ import annotations

import json
from pathlib import Path

from axe_playwright_python.base import AXE_FILE_PATH  # the package ships axe-core's axe.min.js

from triage import PROJECT_ROOT

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RESULTS = PROJECT_ROOT / "artifacts" / "axe"  # tests/conftest.py prints a summary of them

LEVELS = ("emergency", "urgent", "soon", "none")


def answers_for(ruleset, level: str, days: int | None = 20) -> dict:
    """Every answer mildest (the number `days`), but one that gives `level` on the loaded rules.

    For an emergency, an answer marked red_flag: emergency (asked first, so the check ends at
    the first step); for the others, the first single answer that gives that level.
    """
    from triage import engine
    from triage.engine.model import Level

    answers = {q.id: (days if q.number else q.values[0]) for q in ruleset.questions}
    wanted = Level.from_id(level)
    if wanted == Level.NONE:
        assert engine.evaluate(ruleset, answers).level == Level.NONE
        return answers
    for question in ruleset.questions:
        options = (
            [o for o in question.options if o.red_flag == Level.EMERGENCY]
            if wanted == Level.EMERGENCY
            else question.options[1:]
        )
        for option in options:
            trial = {**answers, question.id: option.value}
            if engine.evaluate(ruleset, trial).level == wanted:
                return trial
    raise AssertionError(f"no single answer gives {level} on these rules")


def form_value(ruleset, question, value) -> str:
    """Return the value of the radio that answers `value` (a number falls in its band)."""
    if question.number and question.id in ruleset.bands:
        return (
            "unknown"
            if value is None
            else next(band.value for band in ruleset.bands[question.id] if value in band)
        )
    return str(value)


def answer_by_tapping(page, ruleset, answers: dict) -> int:
    """Answer the questions on the page as a person does: tap the label, type a number.

    Only the questions the page shows are answered (one step of the check, or all of call mode).
    Return the number of taps.
    """
    taps = 0
    for question in ruleset.questions:
        value = answers.get(question.id)
        if page.locator(f"main form [name='{question.id}']:not([type=hidden])").count() == 0:
            continue
        if question.number and page.locator(f"input[name='{question.id}'][type=radio]").count():
            value = form_value(ruleset, question, value)
        elif value is None:
            continue
        if question.number and not page.locator(f"input[name='{question.id}'][type=radio]").count():
            field = page.locator(f"input[name='{question.id}']")
            (field.tap if _touch(page) else field.click)()
            field.fill(str(value))
            taps += 1
            continue
        radio = page.locator(f"input[type=radio][name='{question.id}'][value='{value}']")
        label = page.locator(f"label[for='{radio.get_attribute('id')}']")
        (label.tap if _touch(page) else label.click)()
        taps += 1
        assert radio.is_checked(), f"tapping the label did not choose {question.id}={value}"
    return taps


def on_a_step(page) -> bool:
    """True while the page is a step of the check or its summary (a form that carries `step`)."""
    return page.locator("main form:not(.back-form) input[name=step]").count() > 0


def go_through_check(page, ruleset, answers: dict, *, tap: bool = False, pages: list | None = None):
    """From the first step, answer each step and continue, to the result (or an error page).

    If `pages` is a list, each page's (title, height in CSS px) is appended to it. Return taps.
    """
    taps = 0
    while on_a_step(page):
        if pages is not None:
            pages.append((page.title(), page.evaluate("document.documentElement.scrollHeight")))
        taps += answer_by_tapping(page, ruleset, answers)
        button = page.locator("main form:not(.back-form) button[value=next]")
        with page.expect_navigation():
            (button.tap if tap else button.click)()
        taps += 1
    return taps


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
