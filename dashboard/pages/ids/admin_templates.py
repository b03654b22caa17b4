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
# A chosen part's dose, as the template gives it (issue 19): pattern ids by part.
DOSE = "tpl-dose"  # pattern: {"type": DOSE, "part": part id, "field": dose field name}
DOSE_ROW = "tpl-dose-row"  # pattern: {"type": DOSE_ROW, "part": part id}, shown when chosen
PART_ERROR = "tpl-part-error"  # pattern: {"type": PART_ERROR, "part": part id}
RESULT = "tpl-result"
# Error key from check_template or TemplateError -> the element its message goes in.
ERRORS = {"name": NAME_ERROR, "review": REVIEW_ERROR, "parts": PARTS_ERROR}
