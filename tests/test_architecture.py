"""The package's shape stays as docs/ARCHITECTURE.md draws it: layers, no cycles, small units.

Every import is counted, including those inside functions and under TYPE_CHECKING: a lazy
import that points the wrong way is still a dependency a reader has to follow.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "referral_cli"

# Lower number = lower layer. A unit may import its own or a lower layer's units; within one
# layer the packages' graph must stay acyclic (checked below). Mirrors docs/ARCHITECTURE.md.
LAYERS: dict[str, int] = {
    "__init__": 0,
    "errors": 0,
    "text": 0,
    "clock": 0,
    "console": 0,
    "catalog": 1,
    "casefile": 1,
    "prompt": 1,
    "vetting": 2,
    "casework": 2,
    "session": 3,
    "coalition": 3,
    "hsds": 3,
    "render": 4,
    "export": 4,
    "commands": 5,
    "cli": 6,
    "__main__": 6,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every referral_cli module `path` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("referral_cli"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if not base.startswith("referral_cli"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def _unit(module: str) -> str:
    """The layer unit a module belongs to: its subpackage, or the root module itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_import_cycle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_package_import_cycle() -> None:
    units: dict[str, set[str]] = {}
    for module, deps in _graph().items():
        units.setdefault(_unit(module), set()).update(_unit(d) for d in deps)
    for unit, deps in units.items():
        deps.discard(unit)
    cycle = _cycle(units)
    assert cycle is None, "packages import each other: " + " -> ".join(cycle or [])


def test_every_unit_has_a_layer() -> None:
    units = {_unit(m) for m in _modules()}
    assert units <= set(LAYERS), f"add to LAYERS and docs/ARCHITECTURE.md: {units - set(LAYERS)}"


def test_dependencies_point_down() -> None:
    upward = [
        f"{module} -> {dep}"
        for module, deps in _graph().items()
        for dep in deps
        if LAYERS[_unit(dep)] > LAYERS[_unit(module)]
    ]
    assert upward == []


def _too_long(limit: int, kinds: tuple[type[ast.AST], ...]) -> list[str]:
    out = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, kinds):
                assert isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > limit:
                    out.append(f"{name}.{node.name}: {size} lines")
    return out


def test_modules_stay_small() -> None:
    big = [
        f"{name}: {n} lines"
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    ]
    assert big == []


@pytest.mark.parametrize(
    ("limit", "kinds"),
    [(300, (ast.ClassDef,)), (100, (ast.FunctionDef, ast.AsyncFunctionDef))],
    ids=["classes", "functions"],
)
def test_classes_and_functions_stay_small(limit: int, kinds: tuple[type[ast.AST], ...]) -> None:
    assert _too_long(limit, kinds) == []


def test_package_root_holds_only_the_basics() -> None:
    root_modules = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(root_modules) <= 10, root_modules


def test_the_checks_see_what_they_guard() -> None:
    """The checks above would be worthless if the finder missed a cycle or a lazy import."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    graph = _graph()
    # A function-level import is counted (the loader imports the cache only when it loads).
    assert "referral_cli.catalog.cache" in graph["referral_cli.catalog.load"]


def _layout_block() -> str:
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Layout")
    return readme[start : readme.index("```", readme.index("```", start) + 3)]


def test_readme_layout_and_architecture_page_name_every_package_and_root_module() -> None:
    """The README's tree and docs/ARCHITECTURE.md stay the picture of the real tree."""
    layout = _layout_block()
    page = (PACKAGE.parents[1] / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    roots = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    for name in packages:
        assert f"{name}/" in layout, f"README layout misses {name}/"
        assert f"`{name}/`" in page, f"docs/ARCHITECTURE.md misses {name}/"
    for name in roots:
        assert name in layout, f"README layout misses {name}"
        assert f"`{name}`" in page, f"docs/ARCHITECTURE.md misses {name}"
    named = set(re.findall(r"^\s{2}([a-z_]+)/", layout, re.M))
    assert named <= set(packages), f"README layout names folders that do not exist: {named}"
