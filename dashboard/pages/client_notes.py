"""Every session of a client with its whole note, newest first: the client page's history
shows the latest 20 with their notes cut short, and a practitioner reading back over a
long episode needs them all, in full."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db
from dashboard.db.sessions import session_history
from dashboard.domain.dates import format_day
from dashboard.pages.client import privacy_views
from dashboard.pages.ids import client_notes as ids

# order: matched before "/clients/<client_id>", whose template would also match this path.
dash.register_page(__name__, path_template="/clients/<client_id>/notes", order=3,
                   title="Session notes · Back Pain Care")



def layout(client_id: str = "", **_query: str) -> html.Div:
    user = require_user()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            return privacy_views.refused_view(db, user, client_id)
        rows = session_history(db, client.id, include_deleted=False, limit=None)
        name, cid = f"{client.given_name} {client.family_name}", client.id
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="session_notes_viewed", entity="client",
                     entity_id=cid, client_id=cid, ip=client_ip())
    entries: list[html.Article | html.P] = [html.Article([
        html.H2([format_day(row.session_on),
                 html.Span(f" · {row.practitioner}", className="fw-normal small")],
                className="h6 mb-1"),
        html.P(f"Pain {row.pain} · stress {row.stress}"
               + ("" if row.function_score is None else f" · function {row.function_score:.1f}")
               + "".join(f" · {s.describe()}" for s in row.scores),
               className="small text-body-secondary mb-1"),
        html.P(row.notes, className="session-note mb-0") if row.notes else
        html.P("No note.", className="text-body-secondary mb-0"),
    ], className="border-bottom py-2") for row in rows]
    return html.Div([
        dcc.Link("← Back to the client", href=f"/clients/{cid}"),
        html.H1(f"Session notes: {name}", className="h3 mt-2"),
        html.P(f"{len(rows)} sessions, newest first, each note in full.",
               className="text-body-secondary"),
        *(entries or [html.P("No sessions recorded yet.")]),
    ], id=ids.PAGE, style={"maxWidth": "48rem"})
