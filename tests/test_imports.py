"""The package's shape: folders by who the code serves, arrows between them one way, no import
cycle between its modules, and none over ~350 lines.

The graph is read from the source with `ast`: every `import` of a triage module, including
those inside functions (a cycle hidden in a function is still a cycle), but not those under
`if TYPE_CHECKING:` (annotations only, never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from triage import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "triage"
MAX_LINES = 350


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            yield from (n for child in node.orelse for n in _imports(ast.Module([child], [])))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def imported_modules(name: str) -> set[str]:
    """The triage modules `name` imports (a package's own __init__ is not counted for its children)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _imports(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            stem = ".".join(base + ([node.module] if node.module else []))
            # `from . import x` imports the submodule x when there is one, else a name of the package
            targets = [
                f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in MODULES else stem for alias in node.names
            ]
        found.update(target for target in targets if target in MODULES and target != name)
    return found


GRAPH = {name: imported_modules(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return one cycle per strongly connected group of modules (Tarjan), shortest way round."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_is_read_from_the_source():
    assert "triage.engine.evaluation" in GRAPH["triage.engine"]  # `from .evaluation import ...`
    assert "triage.engine.conditions" in GRAPH["triage.engine.model"]
    assert "triage.engine.model" in GRAPH["triage.engine.evaluation"]
    assert "triage.patient.views" in GRAPH["triage"]  # imported inside create_app: still counted


def test_an_import_for_type_checking_only_is_not_an_arrow(tmp_path):
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .web import shared\n"
    imports = [node for node in _imports(ast.parse(source))]
    assert imports == [imports[0]] and imports[0].module == "typing"


def test_no_import_cycle():
    assert cycles(GRAPH) == []


# Folders by who the code serves, lowest first (docs/architecture.md). A module may import its
# own folder's modules and those of lower folders, never a higher one or a sibling on the top row.
LAYERS = {
    "startup": 0,  # where the project lives, StartupError: a leaf anyone may read
    "engine": 1,  # the vocabulary, conditions, evaluation: no web framework
    "safety": 2,  # the proofs, over the engine
    "rules": 3,  # the clinic's file: load, check, verify (runs the proofs), review, diff
    "web": 4,  # what every door shares
    "patient": 5,
    "nurse": 5,
    "api": 5,
    "walk": 5.5,  # walks the pages and call mode with a rule file: above the doors, below cli and create_app
    "cli": 7,  # the flask commands (registered by entry point): may build the app to walk it
    "": 6,  # triage/__init__.py: create_app wires every door
}


def folder(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_arrows(graph: dict[str, set[str]]) -> list[str]:
    """Return each import that points to a higher folder or to a sibling on the same row."""
    wrong = []
    for name, targets in sorted(graph.items()):
        here = folder(name)
        for target in sorted(targets):
            there = folder(target)
            if there != here and LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{name} -> {target}")
    return wrong


def test_every_module_is_in_a_known_folder():
    assert sorted({folder(name) for name in MODULES} - set(LAYERS)) == []


def test_the_arrow_checker_finds_an_arrow_the_wrong_way():
    graph = {
        "triage.engine.model": {"triage.web.shared"},
        "triage.patient.views": {"triage.nurse.note", "triage.engine.model"},
        "triage.web.shared": {"triage.engine.model"},
    }
    assert upward_arrows(graph) == [
        "triage.engine.model -> triage.web.shared",
        "triage.patient.views -> triage.nurse.note",
    ]


def test_arrows_between_folders_run_one_way():
    assert upward_arrows(GRAPH) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_350_lines(name):
    lines = len(MODULES[name].read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines; split it by idea"
