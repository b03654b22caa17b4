"""One date format (issue 19): every date field is the one component, and every day the app
writes goes through dashboard/domain/dates.py, so no page can drift to "01/12/2026" or
"2026-12-01" again. Checked over the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dashboard

PACKAGE = Path(dashboard.__file__).parent
OWNER = PACKAGE / "domain" / "dates.py"
# A strftime or f-string format that writes a day's month or weekday by name, or the day
# and month as numbers in some order: only dates.py may spell one.
DAY_FORMAT = re.compile(r"%-?[dbBaAe]\W*%-?[dbBmY]")


def _python_files() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p != OWNER]


def test_no_date_field_is_the_browsers_own_or_a_date_picker():
    """The browser's date input shows the day in the computer's language's order; the date
    pickers in another format of their own. Only components/forms.day_input makes one."""
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("DatePickerSingle", "DatePickerRange"):
                found.append(f"{path.name}:{node.lineno}")
            for keyword in node.keywords:
                if (keyword.arg == "type" and isinstance(keyword.value, ast.Constant)
                        and keyword.value.value in ("date", "datetime-local", "month")):
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_no_day_format_is_written_outside_the_one_module():
    found = [f"{path.relative_to(PACKAGE)}:{n}"
             for path in [*_python_files(), *sorted(PACKAGE.rglob("*.html"))]
             for n, line in enumerate(path.read_text().splitlines(), start=1)
             if DAY_FORMAT.search(line)]
    assert found == []


def test_the_check_would_catch_the_old_ways():
    assert DAY_FORMAT.search('f"{day:%d %b %Y}"')
    assert DAY_FORMAT.search('day.strftime("%-d %B %Y")')
    assert DAY_FORMAT.search('day.strftime("%A %-d %B")')
    assert DAY_FORMAT.search('"%d/%m/%Y"')
    assert not DAY_FORMAT.search('f"{at:%H:%M}"') and not DAY_FORMAT.search("%{y}")
