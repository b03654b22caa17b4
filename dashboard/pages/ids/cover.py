"""Every component id of the cover-a-colleague page (pages/cover.py)."""

SEARCH = "cover-search"
ERROR = "cover-error"
RESULTS = "cover-results"
TABLE = "cover-table"
