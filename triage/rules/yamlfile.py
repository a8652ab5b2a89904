"""Read a YAML file safely, keeping the line of every value for error messages.

YAML 1.1 traps are closed here, so a file means what it looks like (as in YAML 1.2):
- bare yes/no/on/off stay the words they look like: a clinic's option values `yes` and
  `no` must reach the engine as strings, so only `true`/`false` are booleans;
- numbers are plain decimals: `030` is 30 (not octal 24), `1:30` is text (not 90);
- PyYAML keeps the last of two duplicate keys without a word; we refuse them.
Dates are left as strings (`2026-11-25`); the schema checks their form.

A rule file is small (the shipped one is under 150 KB), so a file that is not is refused at once
rather than read: over MAX_BYTES, more than MAX_ALIASES `*alias` uses, more than MAX_VALUES values
once aliases and `<<` merges are expanded (a "billion laughs" file is a few hundred bytes that
expand to billions of values), or nesting more than MAX_DEPTH deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import characters


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, at a line a clinician can go to."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        # A message may repeat a key from the file: its invisible characters show as code points.
        return characters.shown(f"{self.file}:{self.line}: {self.message}")


class FileProblems(Exception):
    """A file could not be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


MAX_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_VALUES = 100_000
MAX_DEPTH = 50


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-style booleans, no implicit dates, and limits on expansion."""

    file = ""
    aliases = 0
    values = 0
    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            return self._compose_node(parent, index)
        finally:
            self.depth -= 1

    def _compose_node(self, parent, index):
        if self.depth > MAX_DEPTH:
            raise FileProblems(
                [
                    Problem(
                        self.file,
                        self.peek_event().start_mark.line + 1,
                        (
                            f"the lists or maps are nested more than {MAX_DEPTH} deep here; a rule file "
                            "needs a few levels"
                        ),
                    )
                ]
            )
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise FileProblems(
                    [
                        Problem(
                            self.file,
                            line,
                            (
                                f"more than {MAX_ALIASES} '*' aliases; a rule file needs few or none "
                                "(write the values out)"
                            ),
                        )
                    ]
                )
        return super().compose_node(parent, index)

    def flatten_mapping(self, node):
        super().flatten_mapping(node)
        self.count(node, len(node.value))

    def count(self, node: yaml.Node, values: int) -> None:
        """Count values built; refuse a file that expands past MAX_VALUES."""
        self.values += values
        if self.values > MAX_VALUES:
            raise FileProblems(
                [
                    Problem(
                        self.file,
                        node.start_mark.line + 1,
                        (
                            f"the file expands to more than {MAX_VALUES:,} values (through '*' aliases or "
                            "'<<' merges, near this line); a rule file is far smaller"
                        ),
                    )
                ]
            )


_REPLACED = (
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# The YAML 1.2 core schema's booleans, integers and floats.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 10))

Lines = dict[tuple, int]
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Count the values a node stands for once aliases are expanded, visiting each node once."""
    size = sizes.get(id(node))
    if size is None:
        size = 1
        if isinstance(node, yaml.MappingNode):
            size += sum(
                _expanded_size(key, sizes) + _expanded_size(value, sizes) for key, value in node.value
            )
        elif isinstance(node, yaml.SequenceNode):
            size += sum(_expanded_size(item, sizes) for item in node.value)
        sizes[id(node)] = size = min(size, MAX_VALUES + 1)  # past the limit the sum is moot
    return size


def _refuse_expansion(loader: _Loader, node: yaml.Node) -> None:
    """Refuse a file that expands past MAX_VALUES, at the first top-level entry that does."""
    sizes: dict[int, int] = {}
    if _expanded_size(node, sizes) <= MAX_VALUES:
        return
    children = (
        [value for _, value in node.value]
        if isinstance(node, yaml.MappingNode)
        else (node.value if isinstance(node, yaml.SequenceNode) else [])
    )
    where = next((child for child in children if sizes[id(child)] > MAX_VALUES), node)
    loader.count(where, MAX_VALUES + 1)


def _to_python(
    loader: _Loader, node: yaml.Node, path: tuple, lines: Lines, problems: list[Problem], file: str
):
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_TAGS:
        problems.append(
            Problem(file, node.start_mark.line + 1, f"'!' tags are not allowed in this file ({node.tag})")
        )
        return None
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        result = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                problems.append(Problem(file, key_node.start_mark.line + 1, "a key must be a plain word"))
                continue
            if key in result:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        f"'{key}' appears twice here (first on line {lines[path + (key,)]}); keep only one",
                    )
                )
                continue
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _to_python(loader, value_node, path + (key,), lines, problems, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(loader, item, path + (i,), lines, problems, file) for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


_HINTS = (
    ("'\\t'", "a tab character is not allowed; indent with spaces"),
    ("quoted scalar", "a quote opened on line {start} is never closed"),
    (
        "flow sequence",
        "a list opened with '[' on line {start} is not closed with ']' as expected; "
        "put text containing : ? , # [ ] {{ }} in quotes",
    ),
    (
        "flow mapping",
        "a '{{' opened on line {start} is not closed with '}}' as expected; "
        "put text containing : ? , # [ ] {{ }} in quotes",
    ),
    (
        "could not find expected ':'",
        "a line above has no ':' (every line is 'key: value' or a '- ' list item)",
    ),
    (
        "mapping values are not allowed",
        "a ':' is not expected here; put text containing ': ' in quotes, or check the indentation",
    ),
    ("expected <block end>", "the indentation here does not line up with the lines above it"),
    ("undefined alias", "a '*' name refers to no '&' anchor; put text starting with * in quotes"),
    ("constructor for the tag", "'!' tags are not allowed in a rule file"),
)


def _plain(error: yaml.MarkedYAMLError) -> str:
    """Say what is wrong in plain words, keeping YAML's own words for the expert."""
    text = " ".join(part for part in (error.context, error.problem) if part)
    start = error.context_mark.line + 1 if error.context_mark else "?"
    for clue, plain in _HINTS:
        if clue in text:
            return f"this is not valid YAML: {plain.format(start=start)} (YAML says: {text})"
    return f"this is not valid YAML: {text}"


def read_bytes(path: str | Path) -> bytes:
    """Return a file's bytes, or raise FileProblems saying plainly why it cannot be read."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # never more: the file may be huge, or growing
    except FileNotFoundError:
        raise FileProblems([Problem(str(path), 0, "the file does not exist")]) from None
    except OSError as error:
        raise FileProblems([Problem(str(path), 0, f"the file cannot be read: {error.strerror}")]) from None
    _refuse_huge(path, raw)
    return raw


def _refuse_huge(path: str | Path, raw: bytes) -> None:
    if len(raw) > MAX_BYTES:
        raise FileProblems(
            [
                Problem(
                    str(path),
                    0,
                    (
                        f"the file is larger than {MAX_BYTES:,} bytes ({MAX_BYTES // 1024} KB); a rule file "
                        "is far smaller (the shipped one is under 150 KB): is this the right file?"
                    ),
                )
            ]
        )


def load(path: str | Path, raw: bytes | None = None) -> tuple[object, Lines]:
    """Load a YAML file (or its bytes, already read); return its data and each value's line."""
    file = str(path)
    raw = read_bytes(path) if raw is None else raw
    _refuse_huge(path, raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise FileProblems(
            [
                Problem(
                    file,
                    line,
                    f"the file is not saved as UTF-8 text (byte {error.object[error.start]:#04x} "
                    "on this line); save it again as UTF-8",
                )
            ]
        ) from None
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # PyYAML refuses most control characters in a file
        line = text[: error.position].count("\n") + 1
        what = f"this line holds {characters.describe(chr(error.character))}, which a rule file may not hold"
        raise FileProblems([Problem(file, line, what + "; delete it")]) from None
    loader.file = file
    try:
        node = loader.get_single_node()
        if node is None:
            raise FileProblems([Problem(file, 1, "the file is empty")])
        _refuse_expansion(loader, node)
        lines: Lines = {}
        problems: list[Problem] = []
        data = _to_python(loader, node, (), lines, problems, file)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise FileProblems([Problem(file, mark.line + 1 if mark else 0, _plain(error))]) from None
    except yaml.YAMLError as error:
        raise FileProblems([Problem(file, 0, f"this is not valid YAML: {error}")]) from None
    except RecursionError:
        line = loader.get_mark().line + 1  # how far the reader got
        raise FileProblems(
            [
                Problem(
                    file,
                    line,
                    (
                        "the lists or maps are nested too deeply to read (near this line); a rule file "
                        "needs a few levels"
                    ),
                )
            ]
        ) from None
    finally:
        loader.dispose()
    if problems:
        raise FileProblems(problems)
    return data, lines


def line_of(lines: Lines, path: tuple) -> int:
    """Return the line of the value at `path`, or of its nearest parent that has one."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
