"""Every component id of the records-past-retention page (pages/admin_retention.py)."""

EMPTY = "retention-empty"
LIST = "retention-list"
