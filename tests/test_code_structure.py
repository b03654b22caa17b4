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


ID_ARGUMENTS = ("id", "html_for")  # keywords that name a component
DEPENDENCIES = ("Input", "Output", "State")  # Dash's callback dependencies: the id comes first
# Not yet moved to a registry of their own (issue 20, item 4): emptied page group by page group.
PENDING = {
    "pages/admin_audit.py", "pages/admin_break_glass.py", "pages/admin_catalogue.py",
    "pages/admin_clinic.py", "pages/admin_data.py", "pages/admin_retention.py",
    "pages/admin_users.py", "pages/catalogue_picture.py", "pages/client_edit.py",
    "pages/client_erase.py", "pages/client_intake.py", "pages/client_new.py",
    "pages/client_notes.py", "pages/clients.py", "pages/cover.py", "pages/home.py",
    "pages/overview.py", "pages/profile.py", "components/navbar.py", "components/tables.py",
}


def _registry(path: Path) -> bool:
    """An id registry: pages/client/ids.py, pages/ids/<page>.py, components/ids.py."""
    return path.name == "ids.py" or path.parent.name == "ids"


def _registry_aliases(tree: ast.AST) -> set[str]:
    """The names a module imports id registries under (``from ... import ids``,
    ``from dashboard.pages.ids import clients as ids``)."""
    return {alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
            if alias.name == "ids" or node.module.split(".")[-1] == "ids"}


def _literal_ids(tree: ast.AST) -> list[int]:
    """Lines that name a component (an ``id=``, a label's ``html_for=``, the id of a callback's
    Input, Output or State, a pattern id's "type") with a string written out here -- a
    literal, an f-string starting with one, or one of the module's own string constants (the
    old ``P = "tpl"`` prefix) -- or keep an id-like string ("sess-save") in a module constant,
    instead of naming it from the page's id registry. Suffixes after a registry's id stay
    allowed (``f"{ids.SUMMARY_CLIENT}-{episode}"``)."""
    body = getattr(tree, "body", [])
    constants = {target.id for node in body if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant | ast.JoinedStr)
                 and not (isinstance(node.value, ast.Constant)
                          and not isinstance(node.value.value, str))
                 for target in node.targets if isinstance(target, ast.Name)}

    def written_here(value: ast.expr | None) -> bool:
        if isinstance(value, ast.Constant):
            return isinstance(value.value, str)
        if isinstance(value, ast.Name):
            return value.id in constants
        if isinstance(value, ast.JoinedStr):
            return bool(value.values) and (
                isinstance(value.values[0], ast.Constant) or any(
                    written_here(part.value) for part in value.values
                    if isinstance(part, ast.FormattedValue)))
        if isinstance(value, ast.BinOp):
            return written_here(value.left) or written_here(value.right)
        if isinstance(value, ast.Dict):  # a pattern id: {"type": ..., "item": ALL}
            return any(isinstance(key, ast.Constant) and key.value == "type"
                       and written_here(item)
                       for key, item in zip(value.keys, value.values, strict=True))
        return False

    def callee(node: ast.Call) -> str:
        return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", "")

    found = [node.value.lineno for node in ast.walk(tree) if isinstance(node, ast.keyword)
             and node.arg in ID_ARGUMENTS and written_here(node.value)]
    found += [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
              and callee(node) in DEPENDENCIES and node.args and written_here(node.args[0])]
    found += [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Compare)
              and isinstance(node.left, ast.Attribute) and node.left.attr == "triggered_id"
              and any(written_here(value) for value in node.comparators)]
    found += [node.lineno for node in body if isinstance(node, ast.Assign)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
              and re.fullmatch(r"[a-z]+(-[a-z]+)+", node.value.value)]
    return sorted(set(found))


def _registered_ids() -> set[str]:
    """Every id string the registries hold (pattern ids' types included)."""
    import importlib

    found: set[str] = set()
    for path in sorted((PACKAGE / "pages").rglob("*.py")) + sorted(
            (PACKAGE / "components").glob("*.py")):
        if _registry(path) and path.name != "__init__.py":
            module = importlib.import_module(
                ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
            for name, value in vars(module).items():
                if name.isupper() and isinstance(value, str):
                    found.add(value)
    return found


def _copied_ids(tree: ast.AST, registered: set[str]) -> list[int]:
    """Lines that spell out, anywhere, a string a registry already holds (a class name that
    happens to match an id, like "safety-alert-new" for CSS, is not an id)."""
    class_names = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.keyword)
                   and node.arg in ("className", "class_name")}
    return sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and node.value in registered
                   and id(node) not in class_names})


def _page_modules() -> list[Path]:
    return [path for folder in ("pages", "components")
            for path in sorted((PACKAGE / folder).rglob("*.py")) if not _registry(path)]


def test_every_page_names_its_ids_from_its_registry():
    """Each page's ids live in one registry (pages/client/ids.py for the client page,
    pages/ids/<page>.py for the others, components/ids.py for the shared components); the
    layouts, the callbacks and the tests import it, so an id renamed there is renamed
    everywhere and a test cannot keep looking for an id the page no longer has."""
    registered = _registered_ids()
    found = {}
    for path in _page_modules():
        name = str(path.relative_to(PACKAGE))
        if name in PENDING:
            continue
        tree = ast.parse(path.read_text())
        if lines := sorted(set(_literal_ids(tree)) | set(_copied_ids(tree, registered))):
            found[name] = lines
    assert found == {}


def test_the_id_check_would_catch_a_literal_id():
    old = ast.parse('X = "sess-save"\nhtml.Div(id="progress-table")\n'
                    'dbc.Label("Show", html_for="progress-range")\nhtml.A(id=f"summary-{n}")\n'
                    'html.Div(id=ids.SESSION_RESULT)\nhtml.Div(id=f"{ids.TABS}-plan")\n')
    assert _literal_ids(old) == [1, 2, 3, 4]


def test_the_id_check_would_catch_the_old_prefixed_ids():
    """The shape every page outside pages/client/ had before its registry."""
    old = ast.parse('P = "tpl"\n'
                    'dbc.Input(id=f"{P}-name")\n'
                    'Output(f"{P}-name", "value")\n'
                    'Input({"type": f"{P}-role", "user": MATCH}, "value")\n'
                    'html.Div(id={"type": "users-result", "user": uid})\n'
                    'State("clients-search", "value")\n'
                    'x = 1 if ctx.triggered_id == f"{P}-pages" else 2\n'
                    'Output(ids.NAME, "value")\n'
                    'Input({"type": ids.ROLE, "user": MATCH}, "value")\n'
                    'html.Div(id=field_id)\n')
    assert _literal_ids(old) == [2, 3, 4, 5, 6, 7]
    copies = ast.parse('if trigger == "tpl-form": pass\nhtml.Div(className="tpl-form")\n')
    assert _copied_ids(copies, {"tpl-form"}) == [1]
    assert "tpl-form" in _registered_ids()
