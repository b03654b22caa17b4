"""The code's shape, checked over its source: callbacks stay thin and name their arguments.

A callback reads like a sentence (who is asking, parse, call the domain or the data layer,
render); one that grows past the limit, or that reads Dash's argument lists by position
(``ctx.states_list[9]``), fails here instead of in the next engineer's hands.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dashboard

PACKAGE = Path(dashboard.__file__).parent
CALLBACK_LINES = 40  # from `def` to the last line, decorators not counted
POSITIONAL_LISTS = {"states_list", "inputs_list", "outputs_list"}


def _modules() -> list[tuple[str, ast.Module]]:
    return [(str(path.relative_to(PACKAGE.parent)), ast.parse(path.read_text(), str(path)))
            for path in sorted(PACKAGE.rglob("*.py"))]


def _is_callback(function: ast.FunctionDef) -> bool:
    def name(decorator: ast.expr) -> str:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return any(name(d) == "callback" for d in function.decorator_list)


def callbacks() -> list[tuple[str, ast.FunctionDef]]:
    return [(module, node) for module, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and _is_callback(node)]


def test_the_check_finds_the_callbacks():
    names = {f"{module}:{node.name}" for module, node in callbacks()}
    assert "dashboard/pages/client/sessions.py:save" in names
    assert len(names) > 30


def test_no_callback_is_longer_than_the_limit():
    long = {f"{module}:{node.name}": node.end_lineno - node.lineno + 1
            for module, node in callbacks()
            if node.end_lineno - node.lineno + 1 > CALLBACK_LINES}
    assert long == {}


def _positional_reads(tree: ast.AST) -> list[int]:
    """Lines that index Dash's flat argument lists (``ctx.states_list[9]``), directly or
    through a name bound to one."""
    aliases = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
               and isinstance(node.value, ast.Attribute) and node.value.attr in POSITIONAL_LISTS
               for target in node.targets if isinstance(target, ast.Name)}

    def is_list(node: ast.expr) -> bool:
        return ((isinstance(node, ast.Attribute) and node.attr in POSITIONAL_LISTS)
                or (isinstance(node, ast.Name) and node.id in aliases))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Subscript) and is_list(node.value)]


def test_no_callback_reads_its_arguments_by_position():
    found = {module: lines for module, tree in _modules() if (lines := _positional_reads(tree))}
    assert found == {}


def test_the_positional_check_would_catch_the_old_session_save():
    old = ast.parse("states = ctx.states_list\nx = states[9]\ny = ctx.outputs_list[12:]\n")
    assert _positional_reads(old) == [2, 3]


def _literal_ids(tree: ast.AST) -> list[int]:
    """Lines that give a component an id (or a label's html_for) written out as a string, or
    keep an id-like string ("sess-save") in a module constant, instead of naming it from
    the page's id registry."""
    def literal(value: ast.expr) -> bool:
        return ((isinstance(value, ast.Constant) and isinstance(value.value, str))
                or (isinstance(value, ast.JoinedStr) and bool(value.values)
                    and isinstance(value.values[0], ast.Constant)))
    found = [node.value.lineno for node in ast.walk(tree) if isinstance(node, ast.keyword)
             and node.arg in ("id", "html_for") and literal(node.value)]
    found += [node.lineno for node in getattr(tree, "body", []) if isinstance(node, ast.Assign)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
              and re.fullmatch(r"[a-z]+(-[a-z]+)+", node.value.value)]
    return sorted(found)


def test_the_client_page_names_its_ids_from_one_registry():
    """pages/client/ids.py holds every id of the client page; the callbacks, the layout
    builders and the tests import it, so an id renamed there is renamed everywhere."""
    client = PACKAGE / "pages" / "client"
    found = {path.name: lines for path in sorted(client.glob("*.py")) if path.name != "ids.py"
             and (lines := _literal_ids(ast.parse(path.read_text())))}
    assert found == {}


def test_the_id_check_would_catch_a_literal_id():
    old = ast.parse('X = "sess-save"\nhtml.Div(id="progress-table")\n'
                    'dbc.Label("Show", html_for="progress-range")\nhtml.A(id=f"summary-{n}")\n'
                    'html.Div(id=ids.SESSION_RESULT)\nhtml.Div(id=f"{ids.TABS}-plan")\n')
    assert _literal_ids(old) == [1, 2, 3, 4]
