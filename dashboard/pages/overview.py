"""Clinic overview: caseloads, outcomes, pain change by strategy, sessions per week.

Admins see the whole clinic and may pick a practitioner; a practitioner who opens it sees
only their own caseload, whatever the request asks for.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import figures
from dashboard.auth.access import CurrentUser, admin_only, require_user
from dashboard.components.attributes import aria
from dashboard.components.forms import day_input
from dashboard.components.tables import json_body, json_cell
from dashboard.context import (
    background_caller,
    background_ip,
    clinic_today,
    current_db,
    job_database,
)
from dashboard.db.outcomes import discharge_outcomes
from dashboard.db.progress import clinic_summary
from dashboard.db.users import list_practitioners
from dashboard.domain.dates import format_day, parse_period
from dashboard.domain.ids import parse_id
from dashboard.domain.outcomes import GroupOutcomes, Proportion
from dashboard.domain.status import STATUS_LABELS
from dashboard.handout.outcomes_report import make_report_file
from dashboard.pages.ids import overview as ids

dash.register_page(__name__, path="/overview", title="Clinic overview · Back Pain Care",
                   name="Clinic overview")

CONFIG: dcc.Graph.Config = {"displaylogo": False, "responsive": True}


def layout(**_query: str) -> html.Div:
    user = require_user()
    today = clinic_today()
    options = [{"label": "All practitioners", "value": "all"}]
    if user.is_admin:
        with current_db().read() as db:
            options += [{"label": u.name, "value": str(u.id)} for u in list_practitioners(db)]
    return html.Div([
        html.H1("Clinic overview" if user.is_admin else "Your caseload", className="h3"),
        dbc.Row([
            dbc.Col([dbc.Label("From", html_for=ids.START),
                     day_input(ids.START, today - dt.timedelta(days=182))], md=3),
            dbc.Col([dbc.Label("To", html_for=ids.END),
                     day_input(ids.END, today)], md=3),
            dbc.Col([dbc.Label("Practitioner", html_for=ids.PRACTITIONER),
                     dbc.Select(id=ids.PRACTITIONER, options=options, value="all",
                                disabled=not user.is_admin)], md=3),
            # The outcomes report is the whole clinic's: admins only (checked by its job).
            dbc.Col(dbc.Button("Outcomes report (PDF)", id=ids.REPORT, color="primary",
                               outline=True),
                    md=3, className="d-flex align-items-end",
                    style=None if user.is_admin else {"display": "none"}),
        ], className="mb-1 no-print"),
        # Laid out as a background job (seconds at a large clinic: off the web host when
        # there is a worker), with word of it while it runs.
        html.Div([
            html.Span([dbc.Spinner(size="sm", spinner_class_name="me-2"),
                       "Laying out the outcomes report for the period above…"],
                      id=ids.REPORT_RUNNING, hidden=True),
            html.Span(id=ids.REPORT_STATUS),
        ], role="status", className="small mb-3 no-print"),
        dcc.Download(id=ids.REPORT_FILE),
        dcc.Store(id=ids.REPORT_PAGE_LOAD, data=secrets.token_hex(8)),
        html.Div(id=ids.ERROR, className="field-error", role="status"),
        dcc.Loading(html.Div(id=ids.BODY), delay_show=200),
    ])


@callback(
    Output(ids.REPORT_FILE, "data"),
    Output(ids.REPORT_STATUS, "children"),
    Input(ids.REPORT, "n_clicks"),
    State(ids.START, "value"),
    State(ids.END, "value"),
    State(ids.REPORT_PAGE_LOAD, "data"),
    background=True,
    running=[(Output(ids.REPORT, "disabled"), True, False),
             (Output(ids.REPORT_RUNNING, "hidden"), False, True)],
    prevent_initial_call=True,
)
@admin_only
def make_report(_n, start, end, _token):
    """Runs in a background process (a worker, with several hosts): the caller was
    identified on the server when the request came in, and anyone but an admin refused
    there before a job starts (the custom_data hook in app.py)."""
    user = background_caller()
    if not user.is_admin:  # refused before the job already; kept as the last line
        return dash.no_update, "Only an admin can make the clinic's outcomes report."
    today = clinic_today()
    period = parse_period(start, end, today)
    if isinstance(period, str):
        return dash.no_update, period
    with job_database() as database:
        pdf, filename = make_report_file(database, user, start=period[0], end=period[1],
                                         today=today, ip=background_ip())
    return (dcc.send_bytes(pdf, filename),
            f"The outcomes report for {format_day(period[0])} to {format_day(period[1])} "
            f"is ready ({len(pdf) // 1024} KB).")


def _figure(title: str, figure: dict, caption: str, graph_id: str) -> dbc.Col:
    return dbc.Col(html.Figure([
        html.H2(title, className="h6"),
        dcc.Graph(id=graph_id, figure=figure, config=CONFIG),
        html.Figcaption(caption, className="small text-body-secondary"),
    ]), lg=6, className="mb-3")


def _asked(start: object, end: object, practitioner: object
           ) -> tuple[CurrentUser, dt.date, dt.date, int | None] | str:
    """Who asks, for which days and which practitioner (an admin's choice; a practitioner
    gets their own caseload whatever the browser sends), or why the days do not read."""
    user = require_user()
    parsed = parse_period(start, end, clinic_today())
    if isinstance(parsed, str):
        return parsed
    return user, *parsed, parse_id(practitioner) if user.is_admin else None


@callback(
    Output(ids.BODY, "children"),
    Output(ids.ERROR, "children"),
    Input(ids.START, "value"),
    Input(ids.END, "value"),
    Input(ids.PRACTITIONER, "value"),
)
def show_overview(start, end, practitioner):
    asked = _asked(start, end, practitioner)
    if isinstance(asked, str):
        return dash.no_update, asked
    user, first, last, chosen = asked
    with current_db().read() as db:
        summary = clinic_summary(db, user, start=first, end=last, practitioner_id=chosen)
        by_practitioner, by_strategy = discharge_outcomes(db, user, start=first, end=last,
                                                          practitioner_id=chosen)
    seen = sum(summary.statuses.values())
    shares = ", ".join(f"{STATUS_LABELS[k]} {summary.statuses.get(k, 0)}"
                       for k in ("improving", "stable", "worsening", "not_enough_data"))
    sessions = sum(n for _, n in summary.sessions_per_week)
    best = sorted(summary.pain_change_by_strategy, key=lambda r: r[1])
    return dbc.Row([
        _figure("Caseload per practitioner", figures.caseload_figure(summary),
                "Active clients: " + ", ".join(f"{n} {c}" for n, c in summary.caseload) + ".",
                ids.CASELOAD),
        _figure("Outcomes of clients seen in the range", figures.status_share_figure(summary),
                f"{seen} clients whose latest session is in the range: {shares}.",
                ids.STATUS),
        _figure("Pain change since baseline, by strategy in the current plan",
                figures.pain_by_strategy_figure(summary),
                "Mean change in pain (negative is better): " + "; ".join(
                    f"{s} {c:+.1f} (n={n})" for s, c, n in best) + ". Clients with several "
                "strategies count under each; this shows association, not cause.",
                ids.STRATEGY),
        _figure("Sessions per week", figures.sessions_per_week_figure(summary),
                f"{sessions} sessions from {format_day(first)} to {format_day(last)}.",
                ids.SESSIONS),
        _practitioner_outcomes(by_practitioner),
        _section("Outcomes at discharge, by strategy in the final plan",
                 _outcome_rows("Strategy", by_strategy, ids.DISCHARGE_STRATEGY)),
    ]), ""


def _share(p: Proportion) -> dict[str, object]:
    """A share with its Wilson 95% interval and the count it comes from, as one string."""
    if not p.n:
        return json_cell("Td", "—", title="Nobody in this group could be counted")
    low, high = p.interval or (0.0, 0.0)
    return json_cell("Td", f"{p.share:.0%} ({low * 100:.0f}–{high:.0%}) · {p.k} of {p.n}")


def _mean(value: float | None, signed: bool = False) -> str:
    return "—" if value is None else f"{value:+.1f}" if signed else f"{value:.1f}"


# The practitioners' table a page at a time: at the ten-times clinic (500 practitioners)
# the whole table was 495 KB of JSON and most of the overview's time, and a list of 500
# rows is read a screen at a time anyway. The outcomes report (PDF) has every row.
PRACTITIONERS_PER_PAGE = 25


def _outcome_rows(group: str, rows: list[GroupOutcomes], table_id: str) -> Any:
    if not rows:
        return html.P("No episode was discharged in this range.")
    return dbc.Table([
        html.Thead([
            html.Tr([html.Th(group, scope="col", rowSpan=2),
                     html.Th("Discharged", scope="col", rowSpan=2),
                     html.Th("Outcome (share, 95% interval)", scope="colgroup", colSpan=4),
                     html.Th("Case mix at the start", scope="colgroup", colSpan=3)]),
            html.Tr([html.Th(h, scope="col") for h in (
                "Pain improved meaningfully", "Reliable improvement", "Recovery",
                "Reliable deterioration", "Mean pain", "Mean PHQ-9", "At caseness")]),
        ]),
        json_body([json_cell("Tr", [
            json_cell("Th", r.group, scope="row"), json_cell("Td", r.discharged),
            _share(r.pain_improvement), _share(r.reliable_improvement), _share(r.recovery),
            _share(r.deterioration), json_cell("Td", _mean(r.baseline_pain)),
            json_cell("Td", _mean(r.baseline_phq9)), _share(r.caseness)]) for r in rows]),
    ], size="sm", responsive=True, id=table_id, className="outcome-table")


def _page_count(rows: int) -> int:
    return max(1, -(-rows // PRACTITIONERS_PER_PAGE))


def _practitioner_page(rows: list[GroupOutcomes], page: object) -> Any:
    """One page of the practitioners' table (the page number as the browser sent it, kept
    within the pages there are), with where it is in the whole list."""
    pages = _page_count(len(rows))
    number = min(max(1, page if isinstance(page, int) and not isinstance(page, bool)
                     else 1), pages)
    shown = rows[(number - 1) * PRACTITIONERS_PER_PAGE:number * PRACTITIONERS_PER_PAGE]
    table = _outcome_rows("Practitioner", shown, ids.DISCHARGE_PRACTITIONER)
    if pages == 1:
        return table
    first = (number - 1) * PRACTITIONERS_PER_PAGE + 1
    return [html.P(f"Practitioners {first}–{first + len(shown) - 1} of {len(rows)}, most "
                   "discharges first.", className="small", role="status"), table]


def _section(title: str, body: Any) -> dbc.Col:
    """Episodes discharged in the range, each outcome among those it can be judged on with
    its Wilson 95% interval, beside the group's case mix (docs/OUTCOMES.md). Association,
    not cause."""
    # A list is spread, not nested: Dash draws a list inside a list as nothing (React
    # refuses it, and the overview redrew itself without end).
    return dbc.Col(html.Section([
        html.H2(title, className="h6"), *(body if isinstance(body, list) else [body]),
        html.P("Pain: 2 points and 30% below baseline, among episodes with two sessions or "
               "more. Reliable improvement and deterioration: beyond measurement noise on "
               "PHQ-9 (6 points), GAD-7 (4) or PSS-10 (9), among episodes with a "
               "questionnaire given twice; recovery: from at or above the clinical cut-off "
               "(PHQ-9 10, GAD-7 8) to below it, among those who started there. Wilson 95% "
               "intervals: a small group has a wide one. Association, not cause.",
               className="small text-body-secondary"),
    ], **aria(label=title)), lg=12, className="mb-3")


def _practitioner_outcomes(rows: list[GroupOutcomes]) -> dbc.Col:
    pages = _page_count(len(rows))
    pager = [] if pages == 1 else [dbc.Pagination(
        id=ids.DISCHARGE_PRACTITIONER_PAGE, max_value=pages, active_page=1,
        fully_expanded=False, previous_next=True, first_last=True, size="sm",
        className="no-print")]
    return _section("Outcomes at discharge, by practitioner", [
        html.Div(_practitioner_page(rows, 1), id=ids.DISCHARGE_PRACTITIONER_ROWS), *pager])


@callback(
    Output(ids.DISCHARGE_PRACTITIONER_ROWS, "children"),
    Input(ids.DISCHARGE_PRACTITIONER_PAGE, "active_page"),
    State(ids.START, "value"),
    State(ids.END, "value"),
    State(ids.PRACTITIONER, "value"),
    prevent_initial_call=True,
)
def practitioner_outcomes_page(page, start, end, practitioner):
    """Another page of the practitioners' table, read again for this user and period."""
    asked = _asked(start, end, practitioner)
    if isinstance(asked, str):
        return dash.no_update
    user, first, last, chosen = asked
    with current_db().read() as db:
        by_practitioner, _ = discharge_outcomes(db, user, start=first, end=last,
                                                practitioner_id=chosen)
    return _practitioner_page(by_practitioner, page)
