"""Home: what to look at before the day starts. Safety alerts first, then clients due or
overdue for a session, clients getting worse, recent sessions, and the caseload."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.auth.access import require_user
from dashboard.components.attributes import aria
from dashboard.components.tables import client_table
from dashboard.context import clinic_today, current_db
from dashboard.db.clients import ClientFilters, ClientRow, count_clients, first_pages
from dashboard.db.home_log import HomeLogRow, home_log_overview
from dashboard.db.progress import RecentSession, recent_sessions
from dashboard.db.sessions import AlertRow, alerts_for
from dashboard.domain.dates import format_day
from dashboard.pages.ids import home as ids

dash.register_page(__name__, path="/", title="Home · Back Pain Care", name="Home")

SECTION_LIMIT = 10
CASELOAD_LIMIT = 25


# The two half-width tables keep the columns their list is about, so each stays readable
# beside the other on a laptop (all seven did not fit: "Next due" was cut off at 1366 px).
DUE_COLUMNS = ("Name", "Practitioner", "Last session", "Next due")
WORSE_COLUMNS = ("Name", "Practitioner", "Pain (change)", "Last session")


def layout(**_query: str) -> html.Div:
    user = require_user()
    today = clinic_today()
    admin = user.is_admin
    sections = {
        "due": ClientFilters(due_only=True, sort="due", page_size=SECTION_LIMIT),
        "worse": ClientFilters(status="worsening", sort="pain", page_size=SECTION_LIMIT),
        "others": ClientFilters(not_due_or_worse=True, page_size=CASELOAD_LIMIT),
    }
    flagged_only = ClientFilters(episode_state="flagged", page_size=SECTION_LIMIT)
    with current_db().read() as db:
        alerts = alerts_for(db, user)
        pages = first_pages(db, user, {"flagged": flagged_only, **sections}, today)
        flagged, due, worse, others = (pages[key] for key in ("flagged", "due", "worse",
                                                              "others"))
        totals = count_clients(db, user, sections, today)
        recent = recent_sessions(db, user, SECTION_LIMIT)
        home_logs = home_log_overview(db, user, today=today)
    due_total, worse_total, total = totals["due"], totals["worse"], totals["others"]
    heading = "Other clients" if admin else "Your other clients"
    return html.Div([
        html.H1(f"Welcome, {user.name}", className="h3"),
        alert_list(alerts),
        red_flag_list(flagged),
        dbc.Row([
            dbc.Col(_section(f"Due or overdue ({due_total})", ids.DUE,
                             client_table(due, today=today, show_practitioner=admin,
                                          table_id=ids.DUE_TABLE, columns=DUE_COLUMNS)
                             if due else
                             html.P("Nobody is due for a session."), more=due_total > len(due)),
                    lg=6),
            dbc.Col(_section(f"Getting worse ({worse_total})", ids.WORSE,
                             client_table(worse, today=today, show_practitioner=admin,
                                          table_id=ids.WORSE_TABLE, columns=WORSE_COLUMNS)
                             if worse else
                             html.P("No client is meaningfully worse."),
                             more=worse_total > len(worse)), lg=6),
        ]),
        _section("Logged at home (last 7 days)", ids.LOGGED, _home_log_list(home_logs)),
        _section("Recent sessions", ids.RECENT, _recent_list(recent)),
        _section(f"{heading} ({total})", ids.CASELOAD,
                 client_table(others, today=today, show_practitioner=admin,
                              table_id=ids.CLIENTS) if others else
                 html.P("No other clients." if due or worse else "No clients yet.",
                        id=ids.EMPTY), more=total > len(others)),
    ])


def _section(title: str, section_id: str, body, more: bool = False) -> html.Section:
    return html.Section([
        html.H2(title, className="h5 mt-3"),
        body,
        dcc.Link("See all in the client list", href="/clients") if more else None,
    ], id=section_id, **aria(label=title))


def _home_log_list(rows: list[HomeLogRow]) -> html.Ul | html.P:
    """Clients who logged on their own page; those whose home pain rose 2 points or more
    above their last session's first, flagged in words as well as colour."""
    if not rows:
        return html.P("No client logged at home in the last 7 days.")
    return html.Ul([html.Li([
        dcc.Link(r.client_name, href=f"/clients/{r.client_id}"),
        f" · logged at home on {r.days_logged} of the last 7 days",
        html.Span(f" · home pain {r.latest_home_pain}, up from {r.last_session_pain} at the "
                  "last session", className="text-danger fw-semibold home-pain-rose")
        if r.pain_rose else None,
    ]) for r in rows], className="list-unstyled", id=ids.LOGGED_LIST)


def _recent_list(rows: list[RecentSession]) -> html.Ul | html.P:
    if not rows:
        return html.P("No sessions recorded yet.")
    return html.Ul([html.Li([
        f"{format_day(r.session_on)} · ",
        dcc.Link(r.client_name, href=f"/clients/{r.client_id}"),
        f" · pain {r.pain} · {r.practitioner}",
    ]) for r in rows], className="list-unstyled")


def red_flag_list(clients: list[ClientRow]) -> html.Div | None:
    """Episodes flagged by the red-flag screen: urgent care first, before any plan."""
    if not clients:
        return None
    return dbc.Alert([
        html.H2("Urgent red flags open", className="h5 alert-heading"),
        html.Ul([html.Li([
            dcc.Link(c.full_name, href=f"/clients/{c.id}?view=episode", className="alert-link"),
            ": refer for urgent care, record the referral, clear the flag once seen.",
        ]) for c in clients], className="mb-0"),
    ], color="danger", id=ids.RED_FLAGS)


def alert_list(alerts: list[AlertRow]) -> html.Div | None:
    """Unacknowledged safety alerts first: they outrank everything else on the page."""
    if not alerts:
        return None
    return dbc.Alert([
        html.H2("Safety alerts to acknowledge", className="h5 alert-heading"),
        html.Ul([html.Li([
            dcc.Link(a.client_name, href=f"/clients/{a.client_id}", className="alert-link"),
            f": PHQ-9 item 9 answered above 0 on {format_day(a.session_on)}{a.at_home}.",
        ]) for a in alerts], className="mb-0"),
    ], color="danger", className="safety-alert")
