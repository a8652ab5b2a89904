"""Review digests: which rules changed since their recorded review, computed, not remembered.

A rule's review record may carry `digest:`, the first 12 hex digits of the SHA-256 of the
rule's own content as the reviewer saw it: everything under the rule in the file except its
`review` (id, category, level, when, title and advice in every language, source), read as YAML
data, so re-wrapping a line or reordering keys does not count as a change, but any changed
word, level or condition does. The review sheet marks a rule whose content no longer matches,
and `flask rules verify` warns about it; the sheet shows each rule's current digest to record
after a review.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..engine.model import Rule, RuleSet
from . import yamlfile

LENGTH = 12


def content_digest(rule_data: dict) -> str:
    """Return the digest of one rule's content (its YAML mapping without `review`)."""
    content = {key: value for key, value in rule_data.items() if key != "review"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:LENGTH]


def current_digests(ruleset: RuleSet) -> dict[str, str]:
    """Return each rule's content digest as the rule file is now, by rule id."""
    if not ruleset.file:
        return {}
    data, _ = yamlfile.load(ruleset.file)
    items = data.get("rules", []) if isinstance(data, dict) else []
    return {
        str(item["id"]): content_digest(item) for item in items if isinstance(item, dict) and "id" in item
    }


@dataclass(frozen=True)
class Changed:
    """A rule whose content does not match its review record's digest (or has none)."""

    rule: Rule
    recorded: str  # "" where the review records no digest
    current: str

    def sentence(self, ruleset: RuleSet) -> str:
        where = ruleset.where(self.rule)
        review = self.rule.review
        on = f" on {review.on}" if review else ""
        if not self.recorded:
            return (
                f"rule '{self.rule.id}' ({where}): its review{on} records no digest, so the sheet "
                f"cannot tell whether it changed since; after review add `digest: {self.current}`"
            )
        return (
            f"rule '{self.rule.id}' ({where}) changed since its review{on} (digest {self.recorded}, "
            f"now {self.current}): review it again, then record `digest: {self.current}`"
        )


def changed_since_review(ruleset: RuleSet, digests: dict[str, str] | None = None) -> list[Changed]:
    """Return every reviewed rule whose content digest differs from its review's (a rule with no
    review at all is reported by the review-date check instead)."""
    digests = current_digests(ruleset) if digests is None else digests
    changed = []
    for rule in ruleset.rules:
        current = digests.get(rule.id, "")
        if rule.review is not None and current and rule.review.digest != current:
            changed.append(Changed(rule, rule.review.digest, current))
    return changed
