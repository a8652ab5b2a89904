"""The clinical review sheet (/rules), and the clinical basis it cites (/rules/basis).

Staff pages, in English. The sheet's content is worked out once per rule set, at start-up, by
triage.review and triage.review_sheet (no Flask there). The clinical basis is the project's own
docs/clinical-basis.md, shown as a page so that every rule's source links to its section.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..engine.model import Level
from ..rules import review, review_digest
from ..startup import PROJECT_ROOT
from ..web.shared import loaded
from . import review_sheet

bp = Blueprint("review", __name__)
EXTENSION = "pump_check_sheet"
CLINICAL_BASIS = PROJECT_ROOT / "docs" / "clinical-basis.md"


@dataclass(frozen=True)
class Sheet:
    groups: list
    status: review.ReviewStatus
    answer_table: list
    changed: dict  # rule id -> review_digest.Changed: content changed since its recorded review
    digests: dict  # rule id -> its content digest now, to record after a review


@bp.get("/rules")
def rules_sheet():
    """Show the whole rule set as a clinician reviews it, ready to print and sign."""
    sheet = current_app.extensions[EXTENSION]
    return render_template(
        "rules_sheet.html",
        ruleset=loaded().ruleset,
        Level=Level,
        groups=sheet.groups,
        status=sheet.status,
        answer_table=sheet.answer_table,
        changed=sheet.changed,
        digests=sheet.digests,
        tree=review_sheet.condition_tree,
        source_parts=review_sheet.source_parts,
    )


def slug(heading: str, seen: dict[str, int]) -> str:
    """Return a heading's anchor as GitHub makes it: "Baclofen withdrawal" -> "baclofen-withdrawal"."""
    text = unicodedata.normalize("NFKC", heading).strip().lower()
    base = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


EXPLICIT_ANCHOR = re.compile(r'<a id="([A-Za-z0-9_-]+)"></a>')


def _named_anchors(text: str) -> tuple[str, dict[int, str]]:
    """Take out `<a id="name"></a>` lines; return the text and {heading number: name}.

    Such a line just above a heading names that heading's anchor (the ids the rules cite); raw
    HTML is off when rendering, so the line itself must not reach the page.
    """
    lines: list[str] = []
    named: dict[int, str] = {}
    pending = None
    headings = 0
    for line in text.splitlines():
        anchor = EXPLICIT_ANCHOR.fullmatch(line.strip())
        if anchor:
            pending = anchor.group(1)
            continue
        if re.match(r"#{1,6} ", line):
            if pending:
                named[headings] = pending
            headings += 1
            pending = None
        lines.append(line)
    return "\n".join(lines) + "\n", named


def render_markdown(text: str) -> Markup:
    """Render Markdown (CommonMark, raw HTML off) with an id on every heading."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    text, named = _named_anchors(text)
    tokens = md.parse(text)
    seen: dict[str, int] = {}
    headings = 0
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "heading_open":
            opening.attrSet("id", named.get(headings) or slug(inline.content, seen))
            headings += 1
    return Markup(md.renderer.render(tokens, md.options, {}))  # nosec B704: raw HTML is off


@bp.get("/rules/basis")
def clinical_basis():
    """Show docs/clinical-basis.md, the clinical basis the rules' sources cite by section."""
    path = Path(current_app.config.get("CLINICAL_BASIS_FILE") or CLINICAL_BASIS)
    if not path.is_file():
        abort(404)
    return render_template("clinical_basis.html", body=render_markdown(path.read_text("utf-8")))


def init_app(app) -> None:
    ruleset = app.extensions["pump_check"].ruleset
    digests = review_digest.current_digests(ruleset)
    changed = {item.rule.id: item for item in review_digest.changed_since_review(ruleset, digests)}
    app.extensions[EXTENSION] = Sheet(
        review.grouped_rules(ruleset),
        review.review_status(ruleset),
        review_sheet.answer_table(ruleset),
        changed,
        digests,
    )
    app.register_blueprint(bp)
