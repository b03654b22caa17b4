"""Clinic overview: caseloads, outcomes, pain change by strategy, sessions per week.

Admins see the whole clinic and may pick a practitioner; a practitioner who opens it sees
only their own caseload, whatever the request asks for.
"""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import figures
from dashboard.auth.access import require_user
from dashboard.components.tables import stacked_table
from dashboard.context import clinic_today, current_db
from dashboard.db.episodes import discharge_outcomes
from dashboard.db.progress import clinic_summary
from dashboard.db.users import list_practitioners
from dashboard.domain.episodes import OutcomeSummary
from dashboard.domain.ids import parse_id
from dashboard.domain.status import STATUS_LABELS

dash.register_page(__name__, path="/overview", title="Clinic overview · Back Pain Care",
                   name="Clinic overview")

P = "overview"
CONFIG = {"displaylogo": False, "responsive": True}


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
            dbc.Col([dbc.Label("From", html_for=f"{P}-start"),
                     dbc.Input(id=f"{P}-start", type="date",
                               value=(today - dt.timedelta(days=182)).isoformat())], md=3),
            dbc.Col([dbc.Label("To", html_for=f"{P}-end"),
                     dbc.Input(id=f"{P}-end", type="date", value=today.isoformat())], md=3),
            dbc.Col([dbc.Label("Practitioner", html_for=f"{P}-practitioner"),
                     dbc.Select(id=f"{P}-practitioner", options=options, value="all",
                                disabled=not user.is_admin)], md=3),
        ], className="mb-3 no-print"),
        html.Div(id=f"{P}-error", className="field-error", role="status"),
        dcc.Loading(html.Div(id=f"{P}-body"), delay_show=200),
    ])


def _parse_range(start: object, end: object, today: dt.date) -> tuple[dt.date, dt.date] | str:
    try:
        first = dt.date.fromisoformat(str(start))
        last = dt.date.fromisoformat(str(end))
    except ValueError:
        return "Enter both dates."
    if first > last:
        return "The start date must be before the end date."
    if (last - first).days > 3 * 366:
        return "Choose a range of at most three years."
    return first, min(last, today)


def _figure(title: str, figure: dict, caption: str, graph_id: str) -> dbc.Col:
    return dbc.Col(html.Figure([
        html.H2(title, className="h6"),
        dcc.Graph(id=graph_id, figure=figure, config=CONFIG),
        html.Figcaption(caption, className="small text-body-secondary"),
    ]), lg=6, className="mb-3")


@callback(
    Output(f"{P}-body", "children"),
    Output(f"{P}-error", "children"),
    Input(f"{P}-start", "value"),
    Input(f"{P}-end", "value"),
    Input(f"{P}-practitioner", "value"),
)
def show_overview(start, end, practitioner):
    user = require_user()
    parsed = _parse_range(start, end, clinic_today())
    if isinstance(parsed, str):
        return dash.no_update, parsed
    first, last = parsed
    chosen = parse_id(practitioner) if user.is_admin else None
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
                f"{P}-caseload"),
        _figure("Outcomes of clients seen in the range", figures.status_share_figure(summary),
                f"{seen} clients whose latest session is in the range: {shares}.",
                f"{P}-status"),
        _figure("Pain change since baseline, by strategy in the current plan",
                figures.pain_by_strategy_figure(summary),
                "Mean change in pain (negative is better): " + "; ".join(
                    f"{s} {c:+.1f} (n={n})" for s, c, n in best) + ". Clients with several "
                "strategies count under each; this shows association, not cause.",
                f"{P}-strategy"),
        _figure("Sessions per week", figures.sessions_per_week_figure(summary),
                f"{sessions} sessions from {first:%d %b %Y} to {last:%d %b %Y}.",
                f"{P}-sessions"),
        _outcome_table("Outcomes at discharge, by practitioner", "Practitioner",
                       by_practitioner, f"{P}-discharge-practitioner"),
        _outcome_table("Outcomes at discharge, by strategy in the final plan", "Strategy",
                       by_strategy, f"{P}-discharge-strategy"),
    ]), ""


def _outcome_table(title: str, group: str, rows: list[OutcomeSummary], table_id: str
                   ) -> dbc.Col:
    """Episodes discharged in the range: how many improved meaningfully (pain 2 points and
    30% below baseline) and the mean change. Association, not cause."""
    body = html.P("No episode was discharged in this range.") if not rows else stacked_table([
        group, "Discharged", "Improved meaningfully", "Mean pain change", "Mean sessions"], [
        html.Tr([
            html.Td(r.group), html.Td(r.discharged),
            html.Td(f"{r.improved} ({r.improved_share:.0%})"),
            html.Td("—" if r.mean_pain_change is None else f"{r.mean_pain_change:+.1f}"),
            html.Td("—" if r.mean_sessions is None else f"{r.mean_sessions:.1f}"),
        ]) for r in rows], size="sm", id=table_id)
    return dbc.Col(html.Section([html.H2(title, className="h6"), body],
                                **{"aria-label": title}), lg=6, className="mb-3")
