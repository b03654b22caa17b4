"""The clinic outcomes report: a few printed pages for a clinic meeting or a commissioner.

Aggregates only (per practitioner, per strategy, the whole clinic): no client's name or
record is read. Charts are SVG drawn here from plain numbers, so WeasyPrint puts them in the
PDF as vector graphics (sharp at any zoom, text searchable) with no browser or image step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from dashboard.auth.access import CurrentUser
from dashboard.auth.audit import record_audit
from dashboard.db.clinic import get_clinic
from dashboard.db.outcomes import clinic_outcomes, discharge_outcomes
from dashboard.domain.outcomes import THRESHOLDS, GroupOutcomes, Proportion
from dashboard.handout.render import TEMPLATE_ENV, html_to_pdf

# Okabe-Ito colours, as the app's figures (colour-blind safe); each outcome also has its
# own marker shape, so the chart reads in grey too.
OUTCOME_MARKS = {
    "Pain improved meaningfully": ("#D55E00", "circle"),
    "Reliable improvement": ("#009E73", "square"),
    "Recovery": ("#0072B2", "diamond"),
    "Reliable deterioration": ("#CC79A7", "triangle"),
}
NAMES = {"PHQ9": "PHQ-9", "GAD7": "GAD-7", "PSS10": "PSS-10"}


@dataclass(frozen=True)
class OutcomesReport:
    clinic_name: str
    start: dt.date
    end: dt.date
    made_on: dt.date
    clinic: GroupOutcomes  # every episode discharged in the range
    by_practitioner: list[GroupOutcomes]
    by_strategy: list[GroupOutcomes]


def build_report(session: Session, user: CurrentUser, *, start: dt.date, end: dt.date,
                 made_on: dt.date) -> OutcomesReport:
    """The figures of episodes discharged from ``start`` to ``end`` that this user may see
    (the whole clinic for an admin and for the command line)."""
    clinic = get_clinic(session)
    by_practitioner, by_strategy = discharge_outcomes(session, user, start=start, end=end)
    return OutcomesReport(clinic.name if clinic else "", start, end, made_on,
                          clinic_outcomes(session, user, start=start, end=end),
                          by_practitioner, by_strategy)


def report_pdf(report: OutcomesReport) -> bytes:
    return html_to_pdf(render_report_html(report))


def outcomes_of(group: GroupOutcomes) -> list[tuple[str, Proportion]]:
    return [("Pain improved meaningfully", group.pain_improvement),
            ("Reliable improvement", group.reliable_improvement),
            ("Recovery", group.recovery),
            ("Reliable deterioration", group.deterioration)]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},'
                f'{y + 5:.1f} {x - 5:.1f},{y:.1f}" fill="{colour}"/>')
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} '
                f'{x - 5:.1f},{y + 4:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def forest_svg(rows: list[tuple[str, list[tuple[str, Proportion]]]], title: str,
               width: int = 1000, max_height: int = 600) -> Markup:
    """Small multiples: one panel per outcome, one row per group; in each, the share as a
    marker and its Wilson 95% interval as a whisker on a 0-100% axis. Rows shrink so that
    fifty practitioners still fit on one landscape page (an SVG cannot break across pages).
    A group with nobody counted for an outcome shows no mark in that panel."""
    outcomes = list(OUTCOME_MARKS)
    label_w, gap, top, bottom = 170, 24, 30, 22
    panel_w = (width - label_w - gap * len(outcomes)) / len(outcomes)
    row_h = max(8.0, min(18.0, (max_height - top - bottom) / max(1, len(rows))))
    height = round(top + row_h * len(rows) + bottom)
    font = 10 if row_h >= 11 else 8

    def x_of(panel: int, share: float) -> float:
        return label_w + gap / 2 + panel * (panel_w + gap) + share * panel_w

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" '
             f'font-size="{font}"><title>{escape(title)}</title>']
    for panel, name in enumerate(outcomes):
        colour, shape = OUTCOME_MARKS[name]
        parts.append(_marker(shape, x_of(panel, 0) + 4, 12, colour))
        parts.append(f'<text x="{x_of(panel, 0) + 12:.1f}" y="15" font-size="10" '
                     f'font-weight="bold">{escape(name)}</text>')
        for tick in (0, 0.25, 0.5, 0.75, 1):
            x = x_of(panel, tick)
            parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" '
                         f'y2="{height - bottom + 2}" stroke="#ced4da" stroke-width="0.6"/>')
            if tick in (0, 0.5, 1):  # edge labels lean inwards, clear of the next panel
                anchor = {0: "start", 0.5: "middle", 1: "end"}[tick]
                parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="{anchor}" '
                             f'font-size="9">{tick:.0%}</text>')
    for i, (group, figures) in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        if i % 2:
            parts.append(f'<rect x="0" y="{cy - row_h / 2:.1f}" width="{width}" '
                         f'height="{row_h:.1f}" fill="#f1f3f5"/>')
        parts.append(f'<text x="{label_w - 6}" y="{cy + font / 2 - 1:.1f}" '
                     f'text-anchor="end">{escape(group[:30])}</text>')
        for name, p in figures:
            if not p.n:
                continue
            panel = outcomes.index(name)
            colour, shape = OUTCOME_MARKS[name]
            low, high = p.interval or (0.0, 0.0)
            parts.append(f'<line x1="{x_of(panel, low):.1f}" y1="{cy:.1f}" '
                         f'x2="{x_of(panel, high):.1f}" y2="{cy:.1f}" stroke="{colour}" '
                         'stroke-width="1.4"/>')
            parts.append(_marker(shape, x_of(panel, p.share or 0.0), cy, colour))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped labels and numbers


# Rows of one chart: an SVG cannot break across pages, so a longer list is drawn as several
# charts, each on its own page (500 practitioners in one chart ran off the page after about
# 70 rows, and the rest were lost).
CHART_ROWS = 50


def charts(groups: list[GroupOutcomes], title: str) -> list[tuple[str, Markup]]:
    """The groups' forest plot, in charts of at most CHART_ROWS rows each; each with its
    caption ("By practitioner, 51-100 of 500") when there is more than one, else ''."""
    rows = [(g.group, outcomes_of(g)) for g in groups]
    if len(rows) <= CHART_ROWS:
        return [("", forest_svg(rows, title))]
    parts = []
    for start in range(0, len(rows), CHART_ROWS):
        caption = (f"{title}, {start + 1}-{min(start + CHART_ROWS, len(rows))} "
                   f"of {len(rows)}")
        parts.append((caption, forest_svg(rows[start:start + CHART_ROWS], caption)))
    return parts


def render_report_html(report: OutcomesReport) -> str:
    return TEMPLATE_ENV.get_template("outcomes_report.html").render(
        r=report, thresholds=[(NAMES[k], t) for k, t in THRESHOLDS.items()],
        clinic_chart=charts([report.clinic], "Whole clinic"),
        practitioner_chart=charts(report.by_practitioner, "By practitioner"),
        strategy_chart=charts(report.by_strategy, "By strategy in the final plan"),
        outcomes_of=outcomes_of)


def report_filename(start: dt.date, end: dt.date) -> str:
    return f"clinic-outcomes-{start.isoformat()}-to-{end.isoformat()}.pdf"


def make_report_file(database: Any, user: CurrentUser, *, start: dt.date, end: dt.date,
                     today: dt.date, ip: str) -> tuple[bytes, str]:
    """The report as a PDF and its file name, its download audited with the period: read,
    then laid out with no transaction open (seconds at a large clinic), then the audit
    entry. For the overview's button (a background job) and the report's route."""
    with database.read() as db:
        report = build_report(db, user, start=start, end=end, made_on=today)
    pdf = report_pdf(report)
    with database.begin() as db:
        record_audit(db, user_id=user.id, action="outcomes_report_downloaded",
                     entity="clinic", ip=ip,
                     detail={"from": start.isoformat(), "to": end.isoformat()})
    return pdf, report_filename(start, end)
