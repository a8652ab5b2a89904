"""The schema's x-message tags and the words they name (triage/rules/schema_messages.py)."""

from pathlib import Path

import jsonschema
import pytest
import yaml

from triage import rules
from triage.rules import schema_messages, yamlfile
from triage.rules.yamlfile import FileProblems

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
FORMS = ("all", "any", "not", "is", "compare")


def _nodes(node, path=()):
    """Every schema node (a dict) with its path in the schema."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _nodes(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nodes(value, path + (i,))


def test_every_x_message_names_words_and_every_entry_is_used():
    tags = {node["x-message"] for _, node in _nodes(rules.schema()) if "x-message" in node}
    assert tags == set(schema_messages.MESSAGES)


def test_every_pattern_has_its_own_words():
    """A regex is no message: each node with a pattern names how to say what it wants (or at
    least describes it; the description is said after "is not allowed here.")."""
    for path, node in _nodes(rules.schema()):
        if "pattern" in node and "x-message" in node:
            assert "pattern" in schema_messages.MESSAGES[node["x-message"]], path
        elif "pattern" in node:
            assert node.get("description"), f"{path}: tag it with x-message, or describe it"


def test_an_untagged_pattern_says_its_description():
    node = {"type": "string", "pattern": "^[0-9a-f]{12}$", "description": "12 hex digits."}
    error = next(jsonschema.Draft202012Validator(node).iter_errors("xyz"))
    assert schema_messages.messages(error, {}) == [
        ((), "the file: 'xyz' is not allowed here. 12 hex digits.")
    ]


def test_each_form_of_a_condition_is_tagged_once():
    condition = rules.schema()["$defs"]["condition"]
    assert condition["x-message"] == "condition"
    assert sorted(branch["x-message"] for branch in condition["oneOf"]) == sorted(FORMS)


def test_every_message_says_what_it_is_about():
    for name, words in schema_messages.MESSAGES.items():
        for kind, text in words.items():
            assert kind in {
                "type",
                "pattern",
                "minItems",
                "maxItems",
                "minProperties",
                "missing",
                "empty",
                "noun",
            }
            if kind not in ("noun", "type") and name != "rules":
                assert "{where}" in text or "{parent}" in text, (name, kind)


def _problems(tmp_path, change) -> list[str]:
    data, _ = yamlfile.load(MINIMAL)
    change(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    with pytest.raises(FileProblems) as caught:
        rules.load(path)
    return [problem.message for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(categories={}), "categories: this is empty; give at least one category"),
        (lambda d: d.update(steps=[]), "the file: 'steps' needs at least one step"),
        (lambda d: d["rules"][0].update(source="  "), "rule 'fever-early': the source is empty; say where"),
        (lambda d: d["rules"][0].pop("source"), "rule 'fever-early': 'source' is missing; say where"),
        (
            lambda d: d["rules"][0].update(id="Fever"),
            "use lower-case letters, digits, hyphens and underscores",
        ),
        (lambda d: d["questions"][1].update(id="Fever"), "use lower-case letters, digits and underscores"),
        (lambda d: d["rules"][0]["review"].update(on="15/01/2026"), "is not a date in the form YYYY-MM-DD"),
        (lambda d: d.update(languages=["eng"]), "'eng' is not a two-letter language code"),
        (
            lambda d: d["rules"][0]["review"].update(digest="ABC"),
            "review > digest: 'ABC' is not a review digest",
        ),
        (lambda d: d["rules"][0].update(title={}), "this is empty; give the wording in each language"),
        (lambda d: d["rules"][1]["when"].update(is_=1), "'is_' is not a known key here (did you mean 'is'?)"),
        (lambda d: d["rules"][1].update(when={"question": "fever"}), "say what the answer must be"),
        # braces in a value are shown as written, not read as placeholders of the message
        (lambda d: d["questions"][0].update(min="{oops}"), "'{oops}' should be a whole number"),
    ],
)
def test_a_tagged_node_says_its_own_words(tmp_path, change, expected):
    messages = _problems(tmp_path, change)
    assert any(expected in message for message in messages), messages


@pytest.mark.parametrize(
    "old, new, word",
    [
        ("      - value: yes\n", "      - value: true\n", "yes"),  # an option's value
        ("{question: fever, is: yes}", "{question: fever, is: false}", "no"),  # a condition
        ("is: [spreading]}", "is: [true]}", "yes"),  # one of a condition's list
    ],
)
def test_true_or_false_where_an_answer_belongs_says_did_you_mean(tmp_path, old, new, word):
    """YAML reads an unquoted yes/no-like true/false as a boolean: say which answer was meant."""
    text = MINIMAL.read_text()
    assert old in text
    broken = tmp_path / "rules.yaml"
    broken.write_text(text.replace(old, new, 1))
    with pytest.raises(FileProblems) as refused:
        rules.load(broken)
    line = text[: text.index(old)].count("\n") + 1
    said = [(problem.line, problem.message) for problem in refused.value.problems]
    assert any(at == line and f"did you mean '{word}'?" in message for at, message in said), said
