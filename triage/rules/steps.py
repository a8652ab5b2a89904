"""The patient's pages, their checklists and the retired questions, checked and built at load time.

A step (`steps:`) is one page: questions asked directly, then areas (`areas:`), each a checklist
of signs with an explicit "None of these". A ticked sign `sets` answers or `opens` questions,
asked on the next page; a sign left unticked gives each of its questions its first, mildest
answer: that is what the person said. The rules for a valid set of pages:

- every area is on exactly one step, and a step names only areas and questions the file has;
- every question is asked one way only: on one step, opened by one sign, or set by signs (each
  answer by one sign at most). A question no page can ask is refused: a rule on it could never
  fire for a patient;
- a sign never sets a question's first answer (leaving it unticked says that already);
- an opened question has no answer marked `red_flag: emergency`: it is asked a page later, so
  such an answer must be a sign of its own;
- the signs of an emergency come first: every page before the last one that can give an answer
  marked `red_flag: emergency` asks only such things. That last page may go on with others.

A file without `steps:` gets two pages: the emergency questions, then all the others.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.model import Area, Level, Question, Sign, Step
from . import checks, yamlfile
from .spelling import did_you_mean


def emergency_questions(questions: Sequence[Question]) -> list[str]:
    """Return the ids of the questions with an answer marked `red_flag: emergency`."""
    return [q.id for q in questions if any(o.red_flag == Level.EMERGENCY for o in q.options)]


def default_steps(questions: Sequence[Question]) -> tuple[Step, ...]:
    """Return the steps of a file that declares none: the emergency signs, then the rest."""
    first = emergency_questions(questions)
    rest = tuple(q.id for q in questions if q.id not in first)
    steps = [Step("emergency_signs", None, tuple(first))] if first else []
    if rest:
        steps.append(Step("symptoms", None, rest))
    return tuple(steps)


def build(builder, items, area_items, questions: Sequence[Question], unchecked: set[str]) -> tuple[Step, ...]:
    """Check the file's `steps:` and `areas:` with the loader's `builder`; return the steps."""
    if items is None:
        if area_items is not None:
            builder.problem(("areas",), "the areas are on no page: add steps: that name them")
        return default_steps(questions)
    if not builder.clean(("steps",)) or not builder.clean(("areas",)):
        return ()
    known = {q.id: q for q in questions}
    sign_paths: dict[str, tuple] = {}  # sign id -> where it is written
    areas = _areas(builder, area_items or [], known, unchecked, sign_paths)
    steps: list[Step] = []
    placed: dict[str, str] = {}  # area id -> the step it is on
    for i, item in enumerate(items):
        path = ("steps", i)
        for j, question_id in enumerate(item.get("questions", [])):
            if question_id not in known and question_id not in unchecked:
                builder.problem(
                    path + ("questions", j),
                    f"step '{item['id']}': there is no question '{question_id}'"
                    + did_you_mean(question_id, known)
                    + f"; the questions are: {', '.join(known)}",
                )
        on_page = []
        for j, area_id in enumerate(item.get("areas", [])):
            if area_id not in areas:
                builder.problem(
                    path + ("areas", j),
                    f"step '{item['id']}': there is no area '{area_id}'"
                    + did_you_mean(area_id, areas)
                    + (f"; the areas are: {', '.join(areas)}" if areas else "; add it under areas:"),
                )
            elif area_id in placed:
                builder.problem(
                    path + ("areas", j),
                    f"step '{item['id']}': area '{area_id}' is already on step '{placed[area_id]}'; "
                    "put each area on exactly one step",
                )
            else:
                placed[area_id] = item["id"]
                on_page.append(areas[area_id])
        title = builder.text(item["title"], path + ("title",))
        line = yamlfile.line_of(builder.lines, path)
        steps.append(Step(item["id"], title, tuple(item.get("questions", [])), tuple(on_page), line))
    builder.unique([(item["id"], ("steps", i, "id")) for i, item in enumerate(items)], "step id")
    for index, area in enumerate(area_items or []):
        if area["id"] in areas and area["id"] not in placed:
            builder.problem(
                ("areas", index),
                f"area '{area['id']}' is on no step; name it under a step's areas: "
                "a sign no page shows can never be ticked",
            )
    _asked_once(builder, steps, known, sign_paths)
    _emergency_first(builder, steps, known)
    return tuple(steps)


def _areas(builder, items, known: dict[str, Question], unchecked: set[str], paths: dict) -> dict[str, Area]:
    """Build each area and its signs, checking every answer a sign sets and question it opens."""
    areas: dict[str, Area] = {}
    sign_ids: list[tuple[str, tuple]] = []
    for i, item in enumerate(items):
        path = ("areas", i)
        if item["id"] in known or item["id"] in checks.RESERVED_IDS:
            builder.problem(
                path + ("id",),
                f"area '{item['id']}': the id is already a question's or the form's own; choose another",
            )
        signs = []
        for j, sign in enumerate(item["signs"]):
            where = path + ("signs", j)
            sign_ids.append((sign["id"], where + ("id",)))
            if sign["id"] == "none":
                builder.problem(
                    where + ("id",),
                    f"area '{item['id']}': 'none' is the id of “None of these”; choose another",
                )
            paths.setdefault(sign["id"], where)
            sets = tuple(sign.get("sets", {}).items())
            for question_id, value in sets:
                _check_set(builder, where, sign["id"], question_id, value, known, unchecked)
            for k, question_id in enumerate(sign.get("opens", [])):
                _check_opened(builder, where + ("opens", k), sign["id"], question_id, known, unchecked)
            signs.append(
                Sign(
                    sign["id"],
                    builder.text(sign["label"], where + ("label",)),
                    sets=sets,
                    opens=tuple(sign.get("opens", [])),
                    hint=builder.optional_text(sign, "hint", where),
                    caregiver_label=builder.optional_text(sign, "caregiver_label", where),
                )
            )
        areas.setdefault(
            item["id"],
            Area(
                item["id"],
                builder.text(item["title"], path + ("title",)),
                tuple(signs),
                hint=builder.optional_text(item, "hint", path),
                caregiver_title=builder.optional_text(item, "caregiver_title", path),
                line=yamlfile.line_of(builder.lines, path),
            ),
        )
    builder.unique([(item["id"], ("areas", i, "id")) for i, item in enumerate(items)], "area id")
    builder.unique(sign_ids, "sign id")
    return areas


def _check_set(builder, where, sign_id, question_id, value, known, unchecked) -> None:
    question = known.get(question_id)
    if question is None:
        if question_id not in unchecked:
            builder.problem(
                where + ("sets", question_id),
                f"sign '{sign_id}': there is no question '{question_id}'" + did_you_mean(question_id, known),
            )
    elif question.number:
        builder.problem(
            where + ("sets", question_id),
            f"sign '{sign_id}': question '{question_id}' is a number: ask it on a page, or open it",
        )
    elif value not in question.values:
        builder.problem(
            where + ("sets", question_id),
            f"sign '{sign_id}': question '{question_id}' has no option '{value}'"
            + did_you_mean(value, question.values)
            + f"; its options are: {', '.join(question.values)}",
        )
    elif value == question.values[0]:
        builder.problem(
            where + ("sets", question_id),
            f"sign '{sign_id}' sets '{question_id}' to its first, mildest answer '{value}', which is "
            "what leaving the sign unticked says already; set a more serious answer",
        )


def _check_opened(builder, where, sign_id, question_id, known, unchecked) -> None:
    question = known.get(question_id)
    if question is None:
        if question_id not in unchecked:
            builder.problem(
                where,
                f"sign '{sign_id}': there is no question '{question_id}'" + did_you_mean(question_id, known),
            )
        return
    emergency = [o.value for o in question.options if o.red_flag == Level.EMERGENCY]
    if emergency:
        builder.problem(
            where,
            f"sign '{sign_id}' opens question '{question_id}', whose answer '{emergency[0]}' is marked "
            "red_flag: emergency; an opened question is asked a page later, so make that answer a "
            "sign of its own (sets:) where it is seen at once",
        )


def _asked_once(builder, steps: list[Step], known: dict[str, Question], sign_paths: dict) -> None:
    """Every question is asked exactly one way, and every answer a sign sets by one sign only."""
    how: dict[str, str] = {}  # question id -> "asked on step x" / "opened by sign y" / "set by signs"
    set_by: dict[tuple[str, str], str] = {}
    for index, step in enumerate(steps):
        found = [
            (q, f"asked on step '{step.id}'", ("steps", index, "questions", j))
            for j, q in enumerate(step.questions)
        ]
        for sign in step.signs:
            where = sign_paths.get(sign.id, ("steps", index))
            found += [(q, f"opened by sign '{sign.id}'", where + ("opens",)) for q in sign.opens]
            for question_id, value in sign.sets:
                if (question_id, value) in set_by:
                    builder.problem(
                        where + ("sets",),
                        f"sign '{sign.id}' sets {question_id}: {value}, which sign "
                        f"'{set_by[question_id, value]}' sets already; one sign per answer",
                    )
                set_by.setdefault((question_id, value), sign.id)
                if how.get(question_id, "set by signs") != "set by signs":
                    found.append((question_id, "set by signs", where + ("sets",)))
                how.setdefault(question_id, "set by signs")
        for question_id, way, path in found:
            if question_id in how:
                builder.problem(
                    path,
                    f"question '{question_id}' is {way} and also {how[question_id]}; "
                    "ask each question one way only",
                )
            how.setdefault(question_id, way)
    for question_id in known:
        if question_id not in how:
            builder.problem(
                _question_path(builder, question_id),
                f"question '{question_id}' is asked on no page: add it to a step's questions, or have "
                "a sign set or open it; a rule on a question no patient is asked can never fire",
            )


def _question_path(builder, question_id: str) -> tuple:
    items = builder.data["questions"]
    index = next(
        i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == question_id
    )
    return ("questions", index)


def _emergency_first(builder, steps: list[Step], known: dict[str, Question]) -> None:
    """Every question or sign that can give an emergency answer is on or before the first page
    that asks anything that cannot."""

    def emergency(question_id: str, value: str | None = None) -> bool:
        question = known.get(question_id)
        return question is not None and any(
            o.red_flag == Level.EMERGENCY and value in (None, o.value) for o in question.options
        )

    def items(step: Step) -> list[tuple[str, bool]]:
        found = [(f"question '{q}'", emergency(q)) for q in step.questions]
        return found + [
            (f"sign '{sign.id}'", any(emergency(q, v) for q, v in sign.sets)) for sign in step.signs
        ]

    pages = [items(step) for step in steps]
    first = next((i for i, page in enumerate(pages) if not all(e for _, e in page)), len(pages))
    if first == len(pages):
        return
    other = next(name for name, is_emergency in pages[first] if not is_emergency)
    for index in range(first + 1, len(pages)):
        for name, is_emergency in pages[index]:
            if is_emergency:
                builder.problem(
                    ("steps", index),
                    f"step '{steps[index].id}': {name} has an answer marked red_flag: emergency, "
                    f"so it must come on or before step '{steps[first].id}', which asks {other}, "
                    "without one: the signs of an emergency are asked first",
                )


def retired(builder, items, known: dict[str, Question], unchecked: set[str]) -> dict:
    """Check the retired questions: each old answer is a valid answer to today's questions."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for i, item in enumerate(items):
        path = ("retired", i)
        if not builder.clean(path):
            continue
        old = item["question"]
        if old in known or old in unchecked:
            builder.problem(
                path + ("question",),
                f"retired question '{old}' is still a question of the file; retire it or ask it, not both",
            )
        for value, answers in item["answers"].items():
            for question_id, answer in answers.items():
                question = known.get(question_id)
                if question is None or question.number or answer not in question.values:
                    builder.problem(
                        path + ("answers", value),
                        f"retired question '{old}', answer '{value}': {question_id}: {answer} is not "
                        "an answer to a question of the file"
                        + (did_you_mean(question_id, known) if question is None else ""),
                    )
        found.setdefault(old, {value: dict(answers) for value, answers in item["answers"].items()})
    builder.unique(
        [(item["question"], ("retired", i)) for i, item in enumerate(items) if builder.clean(("retired", i))],
        "retired question",
    )
    return found
