"""The YAML reader: words stay words, numbers are plain decimals, every value keeps its line,
and the usual mistakes are refused in plain words with the line to go to."""

import pytest

from triage.rules import yamlfile
from triage.rules.yamlfile import FileProblems, Problem


def _load(tmp_path, text: str | bytes):
    path = tmp_path / "file.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return yamlfile.load(path)


def _problems(tmp_path, text) -> list[tuple[int, str]]:
    with pytest.raises(FileProblems) as caught:
        _load(tmp_path, text)
    return [(p.line, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"])
def test_yes_no_on_off_stay_words(tmp_path, word):
    data, _ = _load(tmp_path, f"a: {word}\nb: [{word}]\n{word}: 1\n")
    assert data == {"a": word, "b": [word], word: 1}


@pytest.mark.parametrize("text, value", [("true", True), ("false", False), ("True", True), ("FALSE", False)])
def test_only_true_and_false_are_booleans(tmp_path, text, value):
    assert _load(tmp_path, f"a: {text}\n")[0] == {"a": value}


@pytest.mark.parametrize(
    "text, value",
    [
        ("30", 30),
        ("030", 30),
        ("-3", -3),
        ("+7", 7),
        ("1:30", "1:30"),
        ("1_000", "1_000"),
        ("0x1e", "0x1e"),
        ("0o17", "0o17"),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("2026-11-25", "2026-11-25"),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_numbers_are_plain_decimals_and_dates_stay_text(tmp_path, text, value):
    data, _ = _load(tmp_path, f"a: {text}\n")
    assert data == {"a": value} and type(data["a"]) is type(value)


def test_every_value_keeps_its_line(tmp_path):
    data, lines = _load(
        tmp_path, "version: x\nrules:\n  - id: a\n    when: {question: q, is: yes}\n  - id: b\n"
    )
    assert lines[("version",)] == 1
    assert lines[("rules",)] == 2
    assert lines[("rules", 0)] == 3
    assert lines[("rules", 0, "when", "is")] == 4
    assert lines[("rules", 1, "id")] == 5
    assert yamlfile.line_of(lines, ("rules", 1, "no_such_key")) == 5
    assert yamlfile.line_of(lines, ("nowhere", 3)) == 1


def test_a_duplicate_key_is_refused_with_both_lines(tmp_path):
    assert _problems(tmp_path, "a: 1\nb: 2\na: 3\n") == [
        (3, "'a' appears twice here (first on line 1); keep only one")
    ]


def test_every_duplicate_key_is_reported(tmp_path):
    problems = _problems(tmp_path, "a: 1\na: 2\nc:\n  d: 1\n  d: 2\n")
    assert [line for line, _ in problems] == [2, 5]


def test_merge_keys_are_resolved(tmp_path):
    data, _ = _load(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    assert data["other"] == {"x": 1, "y": 2}


def test_a_tab_is_refused_in_plain_words(tmp_path):
    [(line, message)] = _problems(tmp_path, "a:\n\tb: 1\n")
    assert line == 2 and "a tab character is not allowed; indent with spaces" in message


def test_an_empty_file_is_refused(tmp_path):
    assert _problems(tmp_path, "") == [(1, "the file is empty")]
    assert _problems(tmp_path, "# only a comment\n\n") == [(1, "the file is empty")]


def test_a_file_that_is_not_utf8_is_refused_at_its_line(tmp_path):
    [(line, message)] = _problems(tmp_path, b"a: 1\nb: caf\xe9\n")
    assert line == 2 and "not saved as UTF-8" in message and "0xe9" in message


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(FileProblems) as caught:
        yamlfile.load(tmp_path / "nope.yaml")
    assert caught.value.problems == [Problem(str(tmp_path / "nope.yaml"), 0, "the file does not exist")]


def test_an_unclosed_quote_says_where_it_opened(tmp_path):
    [(_, message)] = _problems(tmp_path, "a: 'abc\nb: 1\n")
    assert "a quote opened on line 1 is never closed" in message


def test_an_unquoted_question_mark_in_braces_says_to_quote(tmp_path):
    [(line, message)] = _problems(tmp_path, "a: 1\nb: {en: Any fever?}\n")
    assert line == 2 and "put text containing : ? , # [ ] { } in quotes" in message


def test_a_python_tag_is_refused(tmp_path):
    [(line, message)] = _problems(tmp_path, "a: 1\nb: !!python/object/apply:os.system [ls]\n")
    assert line == 2 and "'!' tags are not allowed" in message


def test_a_key_that_is_a_list_is_refused(tmp_path):
    assert _problems(tmp_path, "? [a, b]\n: 1\n") == [(1, "a key must be a plain word")]


def test_problem_reads_as_file_line_message():
    assert str(Problem("rules.yaml", 7, "x is wrong")) == "rules.yaml:7: x is wrong"
    error = FileProblems([Problem("f", 9, "b"), Problem("f", 2, "a")])
    assert [p.line for p in error.problems] == [2, 9]
    assert str(error) == "f:2: a\nf:9: b"


@pytest.mark.parametrize("char, named", [("\x07", "U+0007"), ("\x9b", "U+009B"), ("\x7f", "U+007F")])
def test_a_raw_control_character_is_refused_at_its_line_by_its_code_point(tmp_path, char, named):
    """Issue 25, H1: PyYAML refuses these anywhere in the file; it was an uncaught error."""
    [(line, message)] = _problems(tmp_path, f"a: 1\nb: x{char}y\n")
    assert line == 2 and f"{named} (a control character)" in message and char not in message


def test_a_problem_shows_invisible_characters_by_code_point():
    """A message that repeats a key from the file sends no escape sequence or bidi mark to a terminal."""
    shown = str(Problem("rules.yaml", 3, "'site\x1b[2J\u202eevil' is not a known key"))
    assert shown == "rules.yaml:3: 'site<U+001B>[2J<U+202E>evil' is not a known key"


# Issue 12, finding 8: a file built to exhaust time or memory is refused quickly, with its line.

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(c + 1)}: &{chr(c + 1)} [{', '.join([f'*{chr(c)}'] * 10)}]\n" for c in range(ord("a"), ord("i"))
)


def _quickly(tmp_path, text) -> list[tuple[int, str]]:
    import time

    started = time.perf_counter()
    problems = _problems(tmp_path, text)
    assert time.perf_counter() - started < 5, "refused, but not quickly"  # unlimited: > 90 s
    return problems


def test_a_billion_laughs_file_is_refused_quickly_at_its_line(tmp_path):
    assert len(BILLION_LAUGHS) < 500  # ~10**9 values once expanded
    [(line, message)] = _quickly(tmp_path, BILLION_LAUGHS)
    assert "expands to more than" in message and "aliases" in message
    assert 1 < line <= BILLION_LAUGHS.count("\n")


def test_merges_that_double_at_every_level_are_refused_quickly(tmp_path):
    text = "m0: &m0 {k0: 1, k1: 2}\n" + "".join(
        f"m{n}: &m{n}\n  <<: [*m{n - 1}, *m{n - 1}]\n  own{n}: 1\n" for n in range(1, 40)
    )
    [(_, message)] = _quickly(tmp_path, text)
    assert "more than" in message


def test_many_aliases_are_refused(tmp_path):
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (yamlfile.MAX_ALIASES + 1)) + "]\n"
    [(line, message)] = _quickly(tmp_path, text)
    assert line == 2 and f"more than {yamlfile.MAX_ALIASES} '*' aliases" in message


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "file.yaml"
    with open(path, "wb") as out:
        out.truncate(200 * 1024 * 1024)  # 200 MB (sparse: nothing is written)
    with pytest.raises(FileProblems, match=r"file\.yaml:0: the file is larger than 1,048,576 bytes"):
        yamlfile.load(path)
    with pytest.raises(FileProblems, match="larger than"):
        yamlfile.load(path, b"a: 1\n" * (yamlfile.MAX_BYTES // 5 + 1))


def test_deep_nesting_is_refused_in_plain_words(tmp_path):
    [(_, message)] = _quickly(tmp_path, "a: " + "[" * 400 + "]" * 400 + "\n")
    assert f"nested more than {yamlfile.MAX_DEPTH} deep" in message


def test_a_file_within_the_limits_still_loads(tmp_path):
    data, _ = _load(tmp_path, "a: &a [1, 2]\nb: *a\nc:\n  <<: {x: 1}\n")
    assert data == {"a": [1, 2], "b": [1, 2], "c": {"x": 1}}
