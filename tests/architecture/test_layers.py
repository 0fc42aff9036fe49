"""The packages form layers, each importing only those to its left, and nothing imports in a circle
(docs/decisions.md "Layers"):

    core ← accounts ← applications ← bases ← training ← supervision ← public, reports, steering, api ← portal ← config

The source is read with `ast`, so imports inside functions count as much as those at the top.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    ("core",),
    ("accounts",),
    ("experts",),
    ("applications",),
    ("bases",),
    ("training",),
    ("supervision",),
    ("public", "reports", "steering", "api"),
    ("portal",),
    ("config",),
]
LEVEL = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in LEVEL:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


SOURCES = _sources()


def _resolve(module: str, name: str | None) -> str | None:
    """The project module an import names: `pkg.mod` itself, or `pkg.mod.name` when that is a module."""
    if name and f"{module}.{name}" in SOURCES:
        return f"{module}.{name}"
    if module in SOURCES:
        return module
    return None


MISSING: list[str] = []


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the file, at any depth."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if target := _resolve(alias.name, None):
                    found.append((target, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                if target := _resolve(source, alias.name):
                    found.append((target, node.lineno))
                elif source.split(".")[0] in LEVEL:
                    MISSING.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {source}.{alias.name}")
    return found


GRAPH = {module: _imports(module, path) for module, path in SOURCES.items()}


def _package(module: str) -> str:
    return module.split(".")[0]


def test_the_walk_sees_every_layer_and_their_imports():
    assert {_package(m) for m in SOURCES} == set(LEVEL)
    assert {target for target, _ in GRAPH["bases.access"]} >= {"core.access", "applications.access", "bases.models"}
    assert "core.errors" in {target for target, _ in GRAPH["core.access"]}  # relative imports resolve


def test_every_import_of_a_project_module_names_one_that_exists():
    assert not MISSING


def test_no_package_imports_one_to_its_right_or_beside_it():
    wrong = []
    for module, imports in GRAPH.items():
        for target, line in imports:
            mine, theirs = _package(module), _package(target)
            if mine != theirs and LEVEL[theirs] >= LEVEL[mine]:
                wrong.append(f"{SOURCES[module].relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_the_kernel_imports_no_local_app():
    local = [
        f"{SOURCES[m].relative_to(ROOT)}:{line} imports {t}"
        for m, imports in GRAPH.items()
        if _package(m) == "core"
        for t, line in imports
        if _package(t) != "core"
    ]
    assert not local


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node, or with a self-loop (Tarjan)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                result.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return result


def test_no_module_imports_in_a_circle():
    edges = {module: {target for target, _ in imports} for module, imports in GRAPH.items()}
    assert _cycles(edges) == []


def test_no_package_imports_in_a_circle():
    edges = defaultdict(set)
    for module, imports in GRAPH.items():
        for target, _ in imports:
            if _package(target) != _package(module):
                edges[_package(module)].add(_package(target))
    assert _cycles(dict(edges)) == []


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"a"}}, [["a"]]),
    ],
)
def test_the_cycle_finder_finds_circles_and_nothing_else(edges, expected):
    assert _cycles(edges) == expected
