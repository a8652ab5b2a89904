"""The patient's language: English or Spanish, chosen with a visible switch.

The app's own words come from gettext catalogues in translations/ (Flask-Babel); the rule
file's words come from rules.yaml, one wording per declared language. The choice travels as
`?lang=` on a link, then a `lang` cookie; a new visitor
gets the best match for the browser's Accept-Language. Only the language is remembered, never
an answer.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from markupsafe import escape

from ..startup import PROJECT_ROOT

NAMES = {"en": "English", "es": "Español"}  # each in its own language, as the switch shows it
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
STAFF_ONLY_ENGLISH = {"call", "review"}  # blueprints of the staff pages, written in English only

babel = Babel()


def offered() -> tuple[str, ...]:
    """Return the languages both the app and the served rule file speak, default first."""
    loaded = current_app.extensions.get("pump_check")
    ruleset = getattr(loaded, "ruleset", None)
    if ruleset is None:  # only while a health check reports a broken app
        return ("en",)
    both = tuple(code for code in NAMES if code in ruleset.languages)
    return both or (ruleset.languages[0],)


def _asked() -> str | None:
    """Return the language asked for by a link (`?lang=`): the switch on every page."""
    return request.args.get("lang")


def select_language() -> str:
    """Pick the language: an explicit `lang` (link or form), then the cookie, then the browser."""
    languages = offered()
    if request.blueprint in STAFF_ONLY_ENGLISH:
        return "en" if "en" in languages else languages[0]
    asked = _asked()
    if asked in languages:
        return asked
    if request.cookies.get(COOKIE) in languages:
        return request.cookies[COOKIE]
    return request.accept_languages.best_match(languages) or languages[0]


def language() -> str:
    """Return the current request's language code (e.g. "es"); "en" outside a request."""
    if has_request_context():
        # Asked some ten times a page; Flask-Babel's own lookup goes through several proxies.
        code = g.get("pump_check_language")
        if code is None:
            locale = get_locale()
            code = g.pump_check_language = locale.language if locale is not None else "en"
        return code
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _translations():
    """Flask-Babel's translations for this request, looked up once rather than for every word.

    (Flask-Babel's force_locale() would not change them within a request; nothing here uses it.)
    """
    if not has_app_context():
        return get_translations()
    if "pump_check_translations" not in g:
        g.pump_check_translations = get_translations()
    return g.pump_check_translations


class _Lazy(LazyString):
    """Words looked up when shown, so one form class serves every language; escaped in pages."""

    def __html__(self):
        return str(escape(str(self)))


class RuleText(_Lazy):
    """A rule-file wording that reads in the request's language; where the rule file gives one,
    the wording for someone answering for the patient, on a page that is for them."""

    def __init__(self, text, caregiver_text=None):
        def words():
            chosen = caregiver_text if caregiver_text is not None and for_caregiver() else text
            return chosen.in_language(language())

        super().__init__(words)


def for_caregiver() -> bool:
    """Whether this page is read by someone answering for the patient (set by the check's pages)."""
    return has_request_context() and bool(g.get("pump_check_caregiver"))


def lazy_gettext(message: str, **variables) -> LazyString:
    """Translate `message` when it is shown (Flask-Babel's, but escaped like any text)."""
    return _Lazy(lambda: gettext(message, **variables))


def switch() -> dict:
    """Return what the language switch needs: the other languages, each a link to this page.

    Every patient page is a GET page whose answers live in the person's session, so a link to the
    same page in the other language shows the same answers. The link is query-only ("?lang=es"):
    repeating the path would let `/%5Cevil.example` become `href="/\\evil.example?..."`, which
    browsers follow to another site (issue 12, finding 4). Nothing else from the address is
    repeated back.
    """
    current = language()
    others = [
        (code, NAMES.get(code, code), "?" + urlencode({"lang": code}))
        for code in offered()
        if code != current and request.blueprint not in STAFF_ONLY_ENGLISH
    ]
    return {"current": current, "others": others}


def remember_choice(response):
    """Keep a language chosen with the switch in a cookie; tell caches the page varies by it."""
    asked = _asked()
    if (
        asked in offered()
        and asked != request.cookies.get(COOKIE)
        and not request.path.startswith(("/api/", "/fhir/"))
    ):
        response.set_cookie(
            COOKIE, asked, max_age=COOKIE_AGE, httponly=True, samesite="Lax", secure=request.is_secure
        )
    if not request.path.startswith("/static/"):
        response.vary.update(("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language())
    return response


def init_app(app) -> None:
    """Set up Flask-Babel, the language for every page, and the switch."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIME_ZONE", "UTC"))
    babel.init_app(app, locale_selector=select_language)
    # Flask-Babel finds the request's translations again for every word a template shows; with
    # ~20-60 words a page that was about 13 % of a page request (start page 544 -> 470 µs).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.after_request(remember_choice)

    @app.context_processor
    def language_context():
        return {"language": language(), "language_switch": switch()}
