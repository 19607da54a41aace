"""The package's layers: imports reach only down, and no module imports itself back.

Read from the source with :mod:`ast` (nothing is imported): every ``import`` and ``from …
import`` of a ``tfanalysis`` module, at the top of a module or inside a function (an import
deferred to first use still makes one module depend on another), but not those under
``if TYPE_CHECKING:`` (annotations only). ``docs/architecture.md`` says why the layers are
cut where they are.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tfanalysis"

LAYERS: dict[str, int] = {"geo": 1, "data": 2, "analyses": 3, "publication": 4, "reports": 5, "running": 6}
"""Each layer's rank: a module may import modules of its own layer or of a lower one."""

APART = "demo"
"""The demo generator: it builds a dataset from the contract and the map (geo, data), and only
the command line (running) calls it."""

ROOT = "tfanalysis"
"""The package's ``__init__``: ``__version__`` and the public names, each imported on first use."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def imports_of(name: str, source: str) -> set[str]:
    """The ``tfanalysis`` modules a module's source imports (a name imported from a package
    counts as its submodule when there is one of that name, else as the package)."""
    is_package = MODULES[name].name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.split(".")[0] == ROOT)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - child.level + 1]
                    target = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    target = child.module or ""
                if target.split(".")[0] != ROOT:
                    continue
                for alias in child.names:
                    found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
            visit(child)

    visit(ast.parse(source))
    found.discard(name)
    return found


GRAPH: dict[str, set[str]] = {name: imports_of(name, path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def layer_of(name: str) -> str:
    """``geo``, ``data``… for a module of a layer; ``demo``; ``tfanalysis`` for the root;
    ``public`` for a top-level module keeping a public name of the README."""
    parts = name.split(".")
    if len(parts) == 1:
        return ROOT
    if parts[1] in LAYERS or parts[1] == APART:
        return parts[1]
    return "public"


def allowed(importer: str, imported: str) -> bool:
    """Whether a module of layer ``importer`` may import one of layer ``imported``."""
    if imported == ROOT:
        return True  # __version__
    if importer == "public":
        return imported in LAYERS
    if importer == APART:
        return imported in ("geo", "data", APART)
    if imported == APART:
        return importer == "running"
    if importer in LAYERS and imported in LAYERS:
        return LAYERS[imported] <= LAYERS[importer]
    return False  # the root imports nothing; no module of the package imports a public name


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} ({layer_of(a)}) imports {b} ({layer_of(b)})"
                  for a, targets in graph.items() for b in targets if not allowed(layer_of(a), layer_of(b)))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_every_module_belongs_to_a_layer() -> None:
    public = sorted(n for n in MODULES if layer_of(n) == "public")
    assert public == ["tfanalysis.collaboration", "tfanalysis.coverage", "tfanalysis.gaps", "tfanalysis.privacy",
                      "tfanalysis.taxonomy", "tfanalysis.trends"]


def test_imports_reach_only_down() -> None:
    assert upward_imports(GRAPH) == []


def test_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


def test_the_root_imports_nothing_and_the_public_names_only_re_export() -> None:
    assert GRAPH[ROOT] == set()
    for name in (n for n in MODULES if layer_of(n) == "public"):
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        statements = [node for node in tree.body if not isinstance(node, ast.Expr)]  # the docstring
        assert all(isinstance(node, ast.ImportFrom) or _is_all(node) for node in statements), name
        assert GRAPH[name] and all(layer_of(m) in LAYERS for m in GRAPH[name]), (name, GRAPH[name])


def _is_all(node: ast.AST) -> bool:
    return isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["__all__"]


# --------------------------------------------------------------------------- the checks can fail


def _source_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    for name in sources:
        MODULES.setdefault(name, PACKAGE / (name.replace(".", "/") + ".py"))
    try:
        return {name: imports_of(name, text) for name, text in sources.items()}
    finally:
        for name in sources:
            if not MODULES[name].exists():
                del MODULES[name]


@pytest.mark.parametrize(
    ("importer", "source", "found"),
    [
        ("tfanalysis.data.fake", "from tfanalysis.analyses.gaps import eligibility\n", True),  # data → analyses
        ("tfanalysis.publication.fake", "def f():\n    from tfanalysis.reports import labels\n", True),  # deferred, still up
        ("tfanalysis.analyses.fake", "import tfanalysis.demo\n", True),  # only running calls the demo
        ("tfanalysis.demo.fake", "from tfanalysis.analyses import service_areas\n", True),
        ("tfanalysis.reports.fake", "from tfanalysis import gaps\n", True),  # a public name, not the layer
        ("tfanalysis.analyses.fake", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tfanalysis.reports import labels\n", False),
        ("tfanalysis.running.fake", "from tfanalysis.data import contract\nfrom tfanalysis import demo, __version__\n", False),
    ],
)
def test_an_upward_import_is_found(importer: str, source: str, found: bool) -> None:
    assert bool(upward_imports(_source_graph({importer: source}))) is found


def test_a_cycle_is_found_through_a_deferred_import() -> None:
    graph = _source_graph({
        "tfanalysis.data.fake_a": "from tfanalysis.data import fake_b\n",
        "tfanalysis.data.fake_b": "def f():\n    from tfanalysis.data.fake_a import g\n",
    })
    assert cycles(graph) == [["tfanalysis.data.fake_a", "tfanalysis.data.fake_b"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
