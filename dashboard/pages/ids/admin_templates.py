"""Every component id of the plan templates page (pages/admin_templates.py)."""

CHOICE = "tpl-choice"  # the template being edited, or "new"
FORM = "tpl-form"
NAME = "tpl-name"
NAME_ERROR = "tpl-name-error"
REVIEW = "tpl-review"
REVIEW_ERROR = "tpl-review-error"
RETIRED = "tpl-retired"
DESCRIPTION = "tpl-description"
PARTS = "tpl-parts"
PARTS_ERROR = "tpl-parts-error"
RESULT = "tpl-result"
# Error key from check_template or TemplateError -> the element its message goes in.
ERRORS = {"name": NAME_ERROR, "review": REVIEW_ERROR, "parts": PARTS_ERROR}
