"""What every page and the API share: the rule set served, the clinic's numbers, the clock.

`views`, `api`, `call` and `sheet` import these from here, so no blueprint imports another.
(Every response but a static file is sent with no-store by the security middleware, in
triage/security.py: there is one no-store mechanism, not one per view.)
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import datetime

from babel.support import Translations
from flask import current_app
from flask_babel import get_babel
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup

from .i18n import language

csrf = CSRFProtect()
# The mark beside each level's words on a card (aria-hidden: the words say it).
LEVEL_ICONS = {"emergency": "!!", "emergency_room": "!!", "urgent": "!", "soon": "i", "none": "✓"}


def loaded():
    """Return what the app serves: the rule set, its forms and its steps."""
    return current_app.extensions["pump_check"]


def contacts(in_language: str | None = None) -> dict[str, str]:
    """Return the numbers every page shows, with plain words where one is not configured.

    A fill-in fits the slot every sentence gives it (docs/glossary-es.md, "Fill-ins"): a phone
    follows "at" / "al", so the unset wording is a phrase with no article in Spanish
    ("al número que aparece en sus papeles de alta", never "al el número").
    `in_language` words them in another language than the page's: call mode's English page
    reads Spanish aloud, and a Spanish sentence takes only Spanish fill-ins.
    """
    code = in_language or language()
    # Fixed per app and language (the settings do not change once the app is made): once each.
    kept = current_app.extensions.setdefault("pump_check_contacts", {})
    numbers = kept.get(code)
    if numbers is None:
        numbers = kept[code] = _contacts(code)
    return dict(numbers)  # a copy: a caller may add to it


def N_(message: str) -> str:  # noqa: N802 - Babel's own keyword for "extract, translate later"
    """Mark words for `make translations` that are translated where they are used (`words`)."""
    return message


CARE_TEAM_UNSET = N_("your care team")
PHONE_UNSET = N_("the number on your discharge papers")
EMERGENCY_ROOM_UNSET = N_("the emergency room of the hospital that put in the pump")


def _words_in(code: str) -> Callable[[str], str]:
    """Return gettext for `code`: the page's own, or that language's catalogue read once."""
    if code == language():
        return _
    for folder in get_babel().translation_directories:
        found = Translations.load(folder, [code])
        if isinstance(found, Translations):
            return found.gettext
    return str


def _contacts(code: str) -> dict[str, str]:
    config = current_app.config
    words = _words_in(code)
    care_team_phone = config["CARE_TEAM_PHONE"] or words(PHONE_UNSET)
    care_team = care_team_name(config, code, words)
    return {
        "emergency_number": config["EMERGENCY_NUMBER"],
        "care_team": care_team,
        "care_team_phone": care_team_phone,
        "after_hours_phone": config["AFTER_HOURS_PHONE"] or care_team_phone,
        "emergency_room": config.get(f"EMERGENCY_ROOM_{code.upper()}")
        or (config["EMERGENCY_ROOM"] if code == "en" else "")
        or words(EMERGENCY_ROOM_UNSET),
        "call_back_minutes": config["CALL_BACK_MINUTES"],
    }


def care_team_name(config, language: str, words: Callable[[str], str] = _) -> str:
    """Name the care team in `language`: FLASK_CARE_TEAM_NAME_<LANG>, else (in English only)
    FLASK_CARE_TEAM_NAME, else "your care team" in that language (`words`: its gettext), never
    one language's name inside another's sentence ("llame a the Pump Clinic")."""
    name = config.get(f"CARE_TEAM_NAME_{language.upper()}") or (
        config["CARE_TEAM_NAME"] if language == "en" else ""
    )
    return name if name and name != CARE_TEAM_UNSET else words(CARE_TEAM_UNSET)


def tel_href(number: str) -> str:
    """Return a `tel:` link for a phone number, or "" if it has no digits to dial."""
    digits = re.sub(r"[^0-9+*#]", "", number or "")
    return f"tel:{digits}" if re.search(r"[0-9]", digits) else ""


def phone_link(number: str) -> Markup:
    """Return a phone number as a tap-to-call link (plain text if it has nothing to dial)."""
    href = tel_href(number)
    return Markup('<a class="tel" href="{}">{}</a>').format(href, number) if href else Markup.escape(number)


def action_html(action: str) -> Markup:
    """Fill a level's action from the rule file with the clinic's numbers, each one tappable."""
    numbers = contacts()
    return Markup.escape(action).format(
        care_team=numbers["care_team"],
        emergency_room=numbers["emergency_room"],
        call_back_minutes=numbers["call_back_minutes"],
        **{
            key: phone_link(numbers[key])
            for key in ("emergency_number", "care_team_phone", "after_hours_phone")
        },
    )


def capfirst(text: str) -> str:
    """Capitalise the first letter only ("the Pump Clinic" -> "The Pump Clinic")."""
    return text[:1].upper() + text[1:]


def clinic_now() -> datetime:
    """Return the time now in the clinic's time zone (FLASK_TIME_ZONE)."""
    return datetime.now(zoneinfo.ZoneInfo(current_app.config["TIME_ZONE"]))
