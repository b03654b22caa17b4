"""Every component id of the break-glass openings page (pages/admin_break_glass.py)."""

COUNT = "bg-admin-count"
TABLE = "bg-admin-table"
PAGES = "bg-admin-pages"
LIST = "bg-admin-list"
