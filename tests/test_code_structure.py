"""The code's shape, checked over its source: callbacks stay thin and name their arguments,
and every page names its component ids from one registry.

A callback reads like a sentence (who is asking, parse, call the domain or the data layer,
render); one that grows past the limit, or that reads Dash's argument lists by position
(``ctx.states_list[9]``), or an id written out beside its page's registry (in the page or
in a test), fails here instead of in the next engineer's hands.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
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


ID_ARGUMENTS = ("id", "html_for")  # keywords that name a component (and any "..._id")
DEPENDENCIES = ("Input", "Output", "State")  # Dash's callback dependencies: the id comes first


def _registry(path: Path) -> bool:
    """An id registry: pages/client/ids.py, pages/ids/<page>.py, components/ids.py."""
    return path.name == "ids.py" or path.parent.name == "ids"


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
             and (node.arg in ID_ARGUMENTS or (node.arg or "").endswith("_id"))
             and written_here(node.value)]
    found += [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
              and callee(node) in DEPENDENCIES and node.args and written_here(node.args[0])]
    found += [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Compare)
              and isinstance(node.left, ast.Attribute) and node.left.attr == "triggered_id"
              and any(written_here(value) for value in node.comparators)]
    # An id-like module constant is an id kept outside the registry, unless the module uses
    # it for something else only (tables.STACKED is a CSS class).
    used = {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    found += [node.lineno for node in body if isinstance(node, ast.Assign)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
              and re.fullmatch(r"[a-z]+(-[a-z]+)+", node.value.value)
              and any(isinstance(target, ast.Name) and target.id not in used
                      for target in node.targets)]
    return sorted(set(found))


def _strings(value: object) -> set[str]:
    """The strings in a registry's value: an id, a mapping of ids, a ClientFormIds."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for item in value.values() for s in _strings(item)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {s for field in dataclasses.fields(value)
                for s in _strings(getattr(value, field.name))}
    return set()


def _registries() -> list[tuple[str, dict[str, object]]]:
    return [(str(path.relative_to(PACKAGE)), vars(importlib.import_module(
                ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))))
            for path in [*sorted((PACKAGE / "pages").rglob("*.py")),
                         *sorted((PACKAGE / "components").glob("*.py"))]
            if _registry(path) and path.name != "__init__.py"]


def _registered_ids() -> set[str]:
    """Every id string the registries hold (pattern ids' types included)."""
    return {value for _module, registry in _registries() for name, held in registry.items()
            if name.isupper() for value in _strings(held)}


def _copied_ids(tree: ast.AST, registered: set[str]) -> list[int]:
    """Lines that spell out, anywhere, a string a registry already holds (a class name that
    happens to match an id, like "safety-alert-new" for CSS, is not an id)."""
    class_names = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.keyword)
                   and node.arg in ("className", "class_name")}
    return sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and node.value in registered
                   and id(node) not in class_names})


def _id_shaped(tree: ast.AST, registered: set[str]) -> list[int]:
    """Lines with a string shaped like an id of a family the registries hold ("progress-"
    and words joined by hyphens) that no registry holds: a new id written out in place, say
    passed to a layout helper. Class names, form names and attribute names are not ids."""
    families = "|".join(sorted({re.escape(value.split("-")[0]) for value in registered}))
    shape = re.compile(rf"(?:{families})(?:-[a-z0-9_]+)+")
    not_ids = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.keyword)
               and node.arg in ("className", "class_name", "name")}
    not_ids |= {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
                and getattr(node.func, "id", "") in ("setattr", "getattr") for arg in node.args}
    return sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and id(node) not in not_ids
                   and shape.fullmatch(node.value)})


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
        tree = ast.parse(path.read_text())
        if lines := sorted(set(_literal_ids(tree)) | set(_copied_ids(tree, registered))
                           | set(_id_shaped(tree, registered))):
            found[name] = lines
    assert found == {}


TESTS = PACKAGE.parent / "tests"


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def _ids_in_strings(tree: ast.AST, registered: set[str]) -> list[int]:
    """Lines of a test that write a registered id out in a string ("sess-save",
    "tpl-name.value", "#clients-list tbody tr") instead of importing it; a file name or a
    URL that happens to contain one ("client-copy.pdf") is not a copy."""
    spelled = re.compile(r"(?<![\w/.-])(" + "|".join(
        re.escape(value) for value in sorted(registered, key=len, reverse=True))
        + r")(?![\w-])(?!\.(?:pdf|png|csv|json|html)\b)")
    docstrings = _docstrings(tree)
    return sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and id(node) not in docstrings
                   and spelled.search(node.value)})


def test_the_tests_import_the_ids_they_look_for():
    """A test that looks for an id by its spelling keeps passing against an id the page no
    longer has (one looked for "#cat-maximum_minutes-error"); imported, it cannot."""
    registered = _registered_ids()
    found = {str(path.relative_to(TESTS)): lines for path in sorted(TESTS.rglob("*.py"))
             if path.name != "test_code_structure.py"
             and (lines := _ids_in_strings(ast.parse(path.read_text()), registered))}
    assert found == {}


def test_the_test_check_would_catch_a_copied_id():
    copies = ast.parse('invoke(http, "tpl-result", {"tpl-form.n_submit": 1})\n'
                       'page.locator("#tpl-result li")\n'
                       'f"{base}/sid/tpl-result"\n'
                       'page.locator("#x").download("tpl-result.pdf")\n'
                       'invoke(http, ids.RESULT, {f"{ids.FORM}.n_submit": 1})\n')
    assert _ids_in_strings(copies, {"tpl-result", "tpl-form"}) == [1, 2]


def _unpaired_errors(registry: dict[str, object]) -> dict[str, object]:
    """A field's message whose id is not the field's and "-error" (X_ERROR beside X)."""
    return {name: value for name, value in registry.items()
            if name.endswith("_ERROR") and isinstance(registry.get(name[:-6]), str)
            and value != f"{registry[name[:-6]]}-error"}


def test_each_message_is_named_after_its_field():
    """assets/form-errors.js marks a field invalid and described by its message by their
    ids alone (the message's is the field's and "-error"); a message named otherwise is
    shown but never tied to its field for a screen reader (the intake form's consent,
    referral source and referrer were)."""
    found = {module: unpaired for module, registry in _registries()
             if (unpaired := _unpaired_errors(registry))}
    assert found == {}
    old = {"CONSENT_TREATMENT": "intake-consent-treatment",
           "CONSENT_TREATMENT_ERROR": "intake-consent_treatment-error"}
    assert _unpaired_errors(old) == {"CONSENT_TREATMENT_ERROR": "intake-consent_treatment-error"}


def test_the_scripts_look_for_registered_ids():
    """The browser scripts in assets/ that find an element by its id find one a registry
    holds (assets/alert_focus.js: the client page's ALERT_NEW)."""
    registered = _registered_ids()
    looked_for = {(path.name, found) for path in sorted((PACKAGE.parent / "assets").glob("*.js"))
                  for found in re.findall(r"getElementById\(\s*[\"']([^\"']+)[\"']",
                                          path.read_text())}
    assert looked_for
    assert {(script, name) for script, name in looked_for if name not in registered} == set()


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
                    'html.Div(id=field_id)\n'
                    'client_table(rows, table_id="home-clients")\n')
    assert _literal_ids(old) == [2, 3, 4, 5, 6, 7, 11]
    shaped = ast.parse('_graph(figure, "progress-timeline", text)\n'
                       'html.Div(className="progress-chart", name="progress-view")\n')
    assert _id_shaped(shaped, {"progress-area"}) == [1]
    copies = ast.parse('if trigger == "tpl-form": pass\nhtml.Div(className="tpl-form")\n')
    assert _copied_ids(copies, {"tpl-form"}) == [1]
    registered = _registered_ids()
    assert {"tpl-form", "cat-name-error", "new-client-given_name-error"} <= registered
