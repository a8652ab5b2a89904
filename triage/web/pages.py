"""What every HTML page shares: the numbers to call, the template filters, CSRF and its refusal.

Every page, the patient's and the staff's, shows the emergency number and the care team's; a
phone number is a tap-to-call link. A refused post (its CSRF token missing, expired or another
session's) says so in plain words, with whatever advice the person's answers already call for.
"""

from __future__ import annotations

from flask_wtf.csrf import CSRFError

from ..engine.model import Level
from .errors import error_page
from .i18n import lazy_gettext
from .shared import LEVEL_ICONS, action_html, capfirst, contacts, csrf, loaded, phone_link, tel_href

CSRF_REFUSED = (
    lazy_gettext("Your answers were not sent"),
    lazy_gettext(
        "The page was open a long time or was sent twice, so we could not take your answers. "
        "Please start again. (Your browser must allow “cookies”.)"
    ),
)


def init_app(app) -> None:
    csrf.init_app(app)
    app.add_template_filter(tel_href, "tel")
    app.add_template_filter(phone_link, "phone_link")
    app.add_template_filter(action_html, "action_html")
    app.add_template_filter(capfirst, "capfirst")
    app.jinja_env.globals.update(
        LEVEL_ICONS=LEVEL_ICONS, Level=Level, loaded_ruleset=lambda: loaded().ruleset
    )
    # Browsers and crawlers ask for /favicon.ico whatever a page links: answer, do not 404.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))

    @app.context_processor
    def numbers():
        return {"contacts": contacts()}

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        # Say nothing of what was sent: the refused answers are not shown again.
        return error_page(400, *CSRF_REFUSED)
