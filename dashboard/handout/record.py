"""Render a client's complete record (the client's copy) to HTML and a tagged PDF, with the
same Jinja2 and WeasyPrint machinery as the handout: every value is autoescaped, so names
and notes holding HTML print as text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dashboard.domain.record import FullRecord
from dashboard.handout.render import TEMPLATE_ENV, TEMPLATES, html_to_pdf

OUTCOMES = {"improving": "improved", "stable": "stable", "worsening": "worse"}


def render_record_html(record: FullRecord, tz: ZoneInfo) -> str:
    template = TEMPLATE_ENV.get_template("record.html")
    css = (TEMPLATES / "record.css").read_text(encoding="utf-8")
    return template.render(r=record, css=css, tz=tz, outcomes=OUTCOMES)


def render_record_pdf(record: FullRecord, tz: ZoneInfo) -> bytes:
    return html_to_pdf(render_record_html(record, tz))
