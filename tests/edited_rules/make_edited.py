"""Write a clinic's edited copy of the shipped rules.yaml and its example cases.

    python tests/edited_rules/make_edited.py OUT_DIR

writes OUT_DIR/rules.yaml and OUT_DIR/tests/cases/*.yaml (where `flask rules verify OUT_DIR/rules.yaml`
looks for them), with the three edits of issue 17 made as a nurse makes them, by editing text:

  (a) the advice of rule `seizure` reworded in English and Spanish;
  (b) rule `pump-alarm` (an alarm with no symptoms) moved from urgent to soon, with the red flags
      of its answers and the example cases and reference floor row that expected urgent;
  (c) a new question `chest_pain`, a sign in the first page's emergency checklist, with a new
      category, an emergency rule, `red_flag: emergency` on its answer and two cases (fires,
      near miss).

No Python of the product changes. `make test` runs `rules verify` and a chosen subset of the
app's tests against this copy (see the Makefile's `test-edited`), so a test that pins the shipped
content fails there. Each edit finds its place by the words around it; when the shipped file no
longer has those words (the clinic changed them), the script says which and exits 3, and the
Makefile skips the check with that message rather than failing the clinic's build.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
NOT_APPLICABLE = 3


class Missing(Exception):
    """The shipped file no longer has the text an edit needs."""


def block(text: str, start: str) -> tuple[int, int]:
    """Return the span of the list item that begins with the line `start` (up to the next item
    at the same indent or the end of its section). `start` may name its section first, as in
    "rules:/  - id: seizure" (a question and a rule may share an id)."""
    section, _, start = start.rpartition("/")
    offset = 0
    if section:
        found = re.search(rf"^{re.escape(section)}$", text, flags=re.M)
        if not found:
            raise Missing(f"no section {section!r}")
        offset = found.end()
    match = re.compile(rf"^{re.escape(start)}$", flags=re.M).search(text, offset)
    if not match:
        raise Missing(f"no line {start.strip()!r}" + (f" under {section!r}" if section else ""))
    indent = len(start) - len(start.lstrip())
    end = re.compile(rf"^(?: {{{indent}}}- |[^ \n#])", flags=re.M)
    following = end.search(text, match.end())
    return match.start(), following.start() if following else len(text)


def replace_in(text: str, start: str, old: str, new: str, count: int = 1) -> str:
    """Replace `old` by `new` exactly `count` times inside the item beginning with `start`."""
    begin, end = block(text, start)
    part = text[begin:end]
    if part.count(old) != count:
        raise Missing(f"{old.strip()!r} is not there {count} time(s) under {start.strip()!r}")
    return text[:begin] + part.replace(old, new) + text[end:]


def insert_after(text: str, anchor: str, addition: str) -> str:
    """Insert `addition` after the one line `anchor`."""
    if text.count(anchor) != 1:
        raise Missing(f"no single line {anchor.strip()!r}")
    return text.replace(anchor, anchor + addition, 1)


# (a) the advice of one rule, both languages.
def reword_advice(rules: str) -> str:
    rules = replace_in(
        rules,
        "rules:/  - id: seizure",
        "Lay the person on their side and do not put anything in their\n        mouth.",
        "Turn the person on their side, keep them from falling, and do not\n"
        "        put anything in their mouth.",
    )
    return replace_in(
        rules,
        "rules:/  - id: seizure",
        "Acueste a la persona de lado y no le meta nada en la boca.",
        "Acueste a la persona de lado, cuide que no se caiga y no le meta nada en la boca.",
    )


# (b) a pump alarm with no symptoms: urgent -> soon, with its red flags, cases and floor row.
def alarm_to_soon(rules: str, cases: dict[str, str]) -> tuple[str, dict[str, str]]:
    rules = replace_in(rules, "rules:/  - id: pump-alarm", "    level: urgent\n", "    level: soon\n")
    rules = replace_in(rules, "questions:/  - id: pump_alarm", "red_flag: urgent", "red_flag: soon", count=2)
    cases = dict(cases)
    cases["pump_wound_nerve.yaml"] = replace_in(
        cases["pump_wound_nerve.yaml"],
        "- name: a pump alarm with no symptoms is urgent",
        "is urgent\n  answers: {pump_alarm: yes}\n  level: urgent",
        "is soon\n  answers: {pump_alarm: yes}\n  level: soon",
    )
    cases["pump_wound_nerve.yaml"] = replace_in(
        cases["pump_wound_nerve.yaml"],
        "- name: a pump alarm with numb skin near the pump is urgent",
        "  level: urgent\n",
        "  level: soon\n",
    )
    for name in (
        "a two-tone alarm is urgent",
        "an alarm of a kind not known is urgent like a two-tone alarm",
    ):
        cases["refill_and_alarm.yaml"] = replace_in(
            cases["refill_and_alarm.yaml"], f"- name: {name}", "  level: urgent\n", "  level: soon\n"
        )
    cases["reference_floor.yaml"] = replace_in(
        cases["reference_floor.yaml"],
        "- finding: a pump alarm with no symptoms (two-tone, or kind not known)",
        "  level: urgent\n",
        "  level: soon\n",
    )
    return rules, cases


# (c) a new question with an emergency rule, a red flag and two cases.
CATEGORY = """  chest_pain:
    en: Chest pain
    es: Dolor de pecho
"""
QUESTION = """
  - id: chest_pain
    text:
      en: Do you have new pain or pressure in your chest?
      es: ¿Tiene dolor o presión nueva en el pecho?
    options:
      - value: no
        label: {en: "No", es: "No"}
      - value: yes
        label: {en: "Yes", es: "Sí"}
        red_flag: emergency
"""
RULE = """  - id: chest-pain
    category: chest_pain
    level: emergency
    when: {question: chest_pain, is: yes}
    title:
      en: New chest pain
      es: Dolor de pecho nuevo
    advice:
      en: >-
        New pain or pressure in the chest can be a heart or lung problem. Call
        {emergency_number} now.
      es: >-
        Un dolor o presión nueva en el pecho puede ser un problema del corazón o de los
        pulmones. Llame al {emergency_number} ahora.
    source: >-
      docs/clinical-basis.md#urgency (the clinic's own addition: new chest pain is an
      emergency).
    review:
      by: Pump Check engineering draft, awaiting clinical sign-off
      on: 2026-11-28
      next_due: 2027-05-28

"""
SIGN = """      - id: chest_pain
        label: {en: "New chest pain or pressure", es: "Dolor o presión nueva en el pecho"}
        sets: {chest_pain: yes}
"""
CASES = """# The clinic's new question: chest pain.

- name: new chest pain is an emergency
  answers: {days_since_surgery: 300, chest_pain: yes}
  level: emergency
  categories: [chest_pain]

- name: near miss - no chest pain
  answers: {days_since_surgery: 300, chest_pain: no}
  level: none
  categories: []
"""


def add_chest_pain(rules: str, cases: dict[str, str]) -> tuple[str, dict[str, str]]:
    rules = insert_after(rules, "categories:\n", CATEGORY)
    _, end = block(rules, "questions:/  - id: seizure")  # the question comes first in the file
    rules = rules[:end].rstrip("\n") + "\n" + QUESTION + "\n" + rules[end:]
    rules = replace_in(rules, "areas:/  - id: emergency_signs", "    signs:\n", "    signs:\n" + SIGN)
    rules = insert_after(rules, "rules:\n", RULE)
    return rules, {**cases, "chest_pain.yaml": CASES}


def edited(rules: str, cases: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Return the rule file and case files with the three edits made."""
    rules = reword_advice(rules)
    rules, cases = alarm_to_soon(rules, cases)
    rules, cases = add_chest_pain(rules, cases)
    rules = re.sub(r'^version: "([^"]+)"', r'version: "\1-clinic-edit"', rules, count=1, flags=re.M)
    return rules, cases


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out = Path(argv[1])
    cases_dir = PROJECT / "tests" / "cases"
    shipped = {path.name: path.read_text("utf-8") for path in sorted(cases_dir.glob("*.yaml"))}
    try:
        rules, cases = edited((PROJECT / "rules.yaml").read_text("utf-8"), shipped)
    except Missing as error:
        print(f"the edited-rules check does not apply to this rules.yaml: {error}", file=sys.stderr)
        return NOT_APPLICABLE
    (out / "tests" / "cases").mkdir(parents=True, exist_ok=True)
    (out / "rules.yaml").write_text(rules, "utf-8")
    for name, text in cases.items():
        (out / "tests" / "cases" / name).write_text(text, "utf-8")
    shutil.copytree(PROJECT / "docs", out / "docs", dirs_exist_ok=True)
    print(f"{out / 'rules.yaml'}: the shipped rules with three edits (advice, alarm to soon, chest pain)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
