"""The call's details as the chart note says them: who the patient is, when, who answered.

Pure Python (no Flask). Everything here is typed by the nurse on the page and goes only into
the chart note on that same page: never stored, logged or put in an address. The patient
reference comes first: the page shows no note until the nurse has typed one or chosen "no
reference" on purpose (call.py), so a note is never filed under the wrong chart unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .plaintext import plain
from .plaintext import wrap as _wrap

REFERENCE_MAX = 60
INITIALS_MAX = 10
COMMENTS_MAX = 2000
NOTE_LANGUAGE = "en"  # the chart is written in English, whatever language the call was in
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


@dataclass(frozen=True)
class CallDetails:
    """What the nurse may add about the call; all optional, never stored or logged."""

    reference: str = ""
    no_reference: bool = False  # the nurse said, on purpose, that the patient is not identified
    call_date: date | None = None
    initials: str = ""
    started: datetime | None = None  # when the call page was opened
    language: str = NOTE_LANGUAGE  # the language the questions were read in
    actions: tuple[str, ...] = ()  # actions taken, in the nurse's words
    comments: str = ""


def _printable(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isprintable() or ch.isspace())


def clean_reference(reference: str | None) -> str:
    """Return the patient reference as one short line with no control characters."""
    return plain(_printable(reference))[:REFERENCE_MAX]


def clean_comments(comments: str | None) -> list[str]:
    """Return the nurse's comments as paragraphs of plain text (line breaks kept as paragraphs)."""
    text = _printable(comments)[:COMMENTS_MAX]
    return [plain(part) for part in re.split(r"\r\n|\r|\n", text) if plain(part)]


def _clock_time(moment: datetime) -> str:
    """Return a US 12-hour time: "2:05 PM"."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _clock(moment: datetime, zone_of: datetime) -> datetime:
    return moment.astimezone(zone_of.tzinfo) if zone_of.tzinfo else moment


def reference_line(details: CallDetails) -> str:
    """Name the patient, or say the nurse could not (the page asks for one or the other)."""
    reference = clean_reference(details.reference)
    if reference:
        return reference
    if details.no_reference:
        return 'NONE - patient not identified (the nurse chose "no reference")'
    return "(none given)"


def call_lines(details: CallDetails, written_at: datetime, who: str = "") -> list[str]:
    lines = [
        "CALL",
        *_wrap(reference_line(details), "Patient reference: ", " " * 19),
        f"Call date:         {(details.call_date or written_at.date()).isoformat()}",
    ]
    if details.started is not None:
        start = _clock(details.started, written_at)
        minutes = max(0, round((written_at - start).total_seconds() / 60))
        zone = written_at.strftime("%Z").strip()
        lines.append(
            f"Call time:         {_clock_time(start)} to {_clock_time(written_at)}"
            f"{' ' + zone if zone else ''} ({minutes} min)"
        )
    lines.append(
        f"Note written:      {written_at:%Y-%m-%d} {_clock_time(written_at)} "
        f"{written_at.tzname() or ''}".rstrip()
    )
    if who:
        lines += _wrap(who, "Who answered:      ", " " * 19)
    if details.initials:
        lines.append(f"Nurse:             {plain(_printable(details.initials))[:INITIALS_MAX]}")
    if details.language != NOTE_LANGUAGE:
        name = LANGUAGE_NAMES.get(details.language, details.language)
        lines += _wrap(
            f"Call held in {name}: the questions were read from the rule set's "
            f"{name} wording; this note is in English.",
            "Language:          ",
            " " * 19,
        )
    if details.actions:
        lines += _wrap("; ".join(details.actions), "Actions taken:     ", " " * 19)
    comments = clean_comments(details.comments)
    if comments:
        lines += _wrap(comments[0], "Comments:          ", " " * 19)
        for paragraph in comments[1:]:
            lines += _wrap(paragraph, " " * 19)
    return lines


def identified(details: CallDetails) -> bool:
    """True once the nurse has typed a patient reference or chosen "no reference" on purpose."""
    return bool(clean_reference(details.reference)) or details.no_reference
