"""Every component id of the data page (pages/admin_data.py): export and import."""

EXPORT = "data-export"  # pattern: {"type": EXPORT, "kind": what is exported}
FILE = "data-file"
KIND = "data-kind"
UPLOAD = "data-upload"
PROGRESS = "data-progress"
REPORT = "data-report"
PREVIEW = "data-preview"
PREVIEW_TITLE = "data-preview-title"
PREVIEW_BODY = "data-preview-body"
SKIP_WRAP = "data-skip-wrap"
SKIP = "data-skip"
CONFIRM = "data-confirm"
CHECKED = "data-checked"
PAGE_LOAD = "data-token"  # a token per page load: keeps each import job apart
PROBLEMS = "data-problems"
DUPLICATES = "data-duplicates"
