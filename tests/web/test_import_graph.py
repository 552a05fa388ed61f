"""Who imports whom: the web routes and the states learn who is there from ``mes_app.web.auth``,
never from each other, and the web modules import one another without a circle (also counting
the imports written inside functions, which hide a circle rather than remove it)."""

from __future__ import annotations

import ast
from pathlib import Path

import mes_app

PACKAGE = Path(mes_app.__file__).resolve().parent


def _module_name(path: Path) -> str:
    return "mes_app." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    """Every ``mes_app`` module a file imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("mes_app"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mes_app"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # from pkg import module
    return found


def _graph(folder: str) -> dict[str, set[str]]:
    files = sorted((PACKAGE / folder).glob("*.py"))
    names = {_module_name(f) for f in files}
    return {_module_name(f): {m for m in _imports(f) if m in names} for f in files}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    seen: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in seen:
            return None
        seen.add(node)
        for nxt in sorted(graph.get(node, ())):
            if found := visit(nxt, [*path, node]):
                return found
        return None

    for start in sorted(graph):
        if found := visit(start, []):
            return found
    return None


def test_the_web_modules_import_each_other_without_a_circle():
    graph = _graph("web")
    assert "mes_app.web.auth" in graph
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_no_web_module_imports_a_state():
    for path in sorted((PACKAGE / "web").glob("*.py")):
        assert not [m for m in _imports(path) if m.startswith("mes_app.state")], path.name


def test_the_auth_module_imports_no_route():
    routes = {"mes_app.web.routes", "mes_app.web.document_routes", "mes_app.web.share_routes",
              "mes_app.web.measure_import"}
    assert not _imports(PACKAGE / "web" / "auth.py") & routes


def test_states_take_cookies_and_sessions_from_the_auth_module_not_from_the_routes():
    for path in sorted((PACKAGE / "state").glob("*.py")):
        imported = _imports(path)
        assert "mes_app.web.routes" not in imported, path.name
        assert not {m for m in imported if m.startswith("mes_app.web.routes.")}, path.name
