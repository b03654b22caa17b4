"""Admin: records kept past the clinic's retention period (clients archived, or whose
latest episode is discharged, with no activity for longer than the setting), each with a
link to erase it. The setting itself is on the clinic page."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.auth.access import require_user
from dashboard.components.status import admins_only
from dashboard.components.tables import day_text, stacked_table
from dashboard.context import clinic_today, current_db
from dashboard.db.retention import records_past_retention, retention_years
from dashboard.pages.ids import admin_retention as ids

dash.register_page(__name__, path="/admin/retention", title="Retention · Back Pain Care",
                   name="Records past retention")


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    today = clinic_today()
    with current_db().read() as db:
        years = retention_years(db)
        rows = records_past_retention(db, today, years)
    intro = html.P([
        f"Records are kept for {years} years after the client's last session, discharge or "
        "archiving, whichever is latest (", dcc.Link("change it", href="/admin/clinic"),
        "). These are past that and may be erased. ",
        dcc.Link("Break-glass openings", href="/admin/break-glass"), " are listed apart."])
    if not rows:
        return html.Div([html.H1("Records past retention", className="h3"), intro,
                         html.P("No record is past retention.", id=ids.EMPTY)])
    body = [html.Tr([
        html.Td(dcc.Link(r.full_name, href=f"/clients/{r.id}")),
        html.Td(r.practitioner),
        html.Td("archived" + (", discharged" if r.discharged_on else "")
                if r.archived else "discharged"),
        html.Td(day_text(r.last_activity)),
        html.Td(day_text(r.kept_until)),
        html.Td(dcc.Link("Erase…", href=f"/clients/{r.id}/erase")),
    ]) for r in rows]
    return html.Div([
        html.H1("Records past retention", className="h3"), intro,
        html.P(f"{len(rows)} record{'s' if len(rows) != 1 else ''}", role="status"),
        stacked_table(["Client", "Practitioner", "State", "Last activity", "Kept until", ""],
                      body, size="sm", striped=True, id=ids.LIST),
    ])
