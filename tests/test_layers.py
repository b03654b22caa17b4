"""Dependencies point one way, checked over the source's imports (ast).

pages -> components -> handout/fhir -> db -> domain: a page that writes SQL, or a data
function that reaches up for the login, fails here. An import under ``if TYPE_CHECKING:``
(an annotation only, nothing at run time) is not a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dashboard

PACKAGE = Path(dashboard.__file__).parent

# package (a folder of dashboard/) -> modules it must not import (a prefix matches below it)
FORBIDDEN = {
    "pages": ("sqlalchemy", "dashboard.db.models"),
    "components": ("sqlalchemy", "dashboard.db.models", "dashboard.pages"),
    # The data layer answers to whoever calls it: no request, no login, no rendering.
    "db": ("dash", "flask", "flask_login", "dashboard.auth", "dashboard.context",
           "dashboard.pages", "dashboard.components", "dashboard.fhir"),
    "domain": ("dash", "flask", "sqlalchemy", "dashboard.db", "dashboard.auth",
               "dashboard.pages", "dashboard.components", "dashboard.handout", "dashboard.fhir",
               "dashboard.context"),
}


def _runtime_imports(tree: ast.Module) -> list[tuple[int, list[str]]]:
    """(line, modules it may import) of every import statement that runs, at any depth,
    outside TYPE_CHECKING."""
    found: list[tuple[int, list[str]]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, [alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from dashboard.db import models" imports the module dashboard.db.models
            found.append((node.lineno, [node.module] + [f"{node.module}.{alias.name}"
                                                        for alias in node.names]))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(rules: dict[str, tuple[str, ...]], root: Path = PACKAGE) -> list[str]:
    found = []
    for package, forbidden in rules.items():
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for line, modules in _runtime_imports(tree):
                bad = [m for m in modules if any(_matches(m, p) for p in forbidden)]
                if bad:
                    found.append(f"{path.relative_to(root.parent)}:{line} imports {bad[0]}")
    return found


def test_layers_import_only_downwards():
    assert violations(FORBIDDEN) == []


def test_the_request_context_does_not_import_the_access_gate():
    """context.py is below auth/: the gate asks it for "today", never the reverse."""
    tree = ast.parse((PACKAGE / "context.py").read_text())
    assert [m for _, modules in _runtime_imports(tree) for m in modules
            if _matches(m, "dashboard.auth")] == []


def test_the_check_catches_sql_in_a_page(tmp_path):
    pages = tmp_path / "dashboard" / "pages"
    pages.mkdir(parents=True)
    (pages / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from dashboard.db.models import Client\n"  # allowed
        "from sqlalchemy import select\n"
        "def f():\n    from dashboard.db import models\n")
    assert violations({"pages": FORBIDDEN["pages"]}, tmp_path / "dashboard") == [
        "dashboard/pages/bad.py:4 imports sqlalchemy",
        "dashboard/pages/bad.py:6 imports dashboard.db.models",
    ]
