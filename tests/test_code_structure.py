"""The code's shape, checked over its source: callbacks stay thin and name their arguments.

A callback reads like a sentence (who is asking, parse, call the domain or the data layer,
render); one that grows past the limit, or that reads Dash's argument lists by position
(``ctx.states_list[9]``), fails here instead of in the next engineer's hands.
"""

from __future__ import annotations

import ast
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
