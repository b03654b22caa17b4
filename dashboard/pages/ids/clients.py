"""Every component id of the clients list (pages/clients.py)."""

# The filters (FILTER_INPUTS) and the list.
SEARCH = "clients-search"
ARCHIVED = "clients-archived"
STATUS = "clients-status"
DUE = "clients-due"
SORT = "clients-sort"
PRACTITIONER = "clients-practitioner"
EMPTY = "clients-empty"
LIST = "clients-list"
NEW = "clients-new"
COUNT = "clients-count"
PAGES = "clients-pages"
TABLE = "clients-table"
URL = "clients-url"
# A batch of handouts for a practitioner's clients, as one PDF.
BATCH_SIZE = "clients-batch-size"
BATCH = "clients-batch"
BATCH_PROGRESS = "clients-batch-progress"
BATCH_STATUS = "clients-batch-status"
BATCH_PAGE_LOAD = "clients-batch-token"  # a token per page load: keeps each batch apart
BATCH_FILE = "clients-batch-file"
