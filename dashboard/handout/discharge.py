"""The discharge summary rendered: the content (dashboard/domain/discharge.py) as
autoescaped HTML, then a tagged PDF by the same machinery as the handout."""

from __future__ import annotations

import datetime as dt

from dashboard.domain.discharge import DischargeSummaryData
from dashboard.handout import content
from dashboard.handout.render import TEMPLATE_ENV, TEMPLATES


def render_summary_html(data: DischargeSummaryData) -> str:
    css = (TEMPLATES / "handout.css").read_text(encoding="utf-8")
    return TEMPLATE_ENV.get_template("discharge.html").render(
        s=data, css=css, urgent=content.URGENT_CARE, soon=content.SEE_DOCTOR_SOON,
        not_a_replacement=content.NOT_A_REPLACEMENT)


def summary_filename(client_name: str, ended_on: dt.date, audience: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in client_name).strip("-").lower()
    return f"discharge-summary-{safe or 'client'}-{ended_on.isoformat()}-{audience}.pdf"
