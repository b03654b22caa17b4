"""Admin: data out (CSV of clients, sessions, plans) and in (clients or sessions from CSV).
Every row is checked first; while any row is bad, nothing is imported and a report names
each bad row and why. A large file shows its progress (a background job)."""

from __future__ import annotations

import base64
import binascii
import secrets

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.auth.access import NotAuthenticated, require_admin, require_user
from dashboard.components.status import admins_only
from dashboard.context import background_caller, client_ip, clinic_today, current_db, job_database
from dashboard.db.audit import record_audit
from dashboard.db.csv_data import (
    current_episode_dates,
    export_csv,
    import_clients,
    import_sessions,
    practitioner_emails,
    read_rows,
)
from dashboard.domain.csv_import import (
    CLIENT_COLUMNS,
    MAX_ROWS,
    SESSION_COLUMNS,
    check_client_rows,
    check_session_rows,
    missing_columns,
)

dash.register_page(__name__, path="/admin/data", title="Data in and out · Back Pain Care",
                   name="Data")

P = "data"
SHOWN_PROBLEMS = 50


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    return html.Div([
        html.H1("Data in and out", className="h3"),
        html.H2("Export (CSV)", className="h5"),
        html.Div([dbc.Button(f"Export {kind}", id={"type": f"{P}-export", "kind": kind},
                             color="secondary", outline=True, className="me-2")
                  for kind in ("clients", "sessions", "plans")]),
        dcc.Download(id=f"{P}-file"),
        html.H2("Import (CSV)", className="h5 mt-4"),
        html.P(["Clients need the columns ", html.Code(", ".join(CLIENT_COLUMNS)),
                "; sessions ", html.Code(", ".join(SESSION_COLUMNS)), "."], className="small"),
        dbc.Row([
            dbc.Col([dbc.Label("What the file holds", html_for=f"{P}-kind"),
                     dbc.Select(id=f"{P}-kind", value="clients", options=[
                         {"label": "Clients", "value": "clients"},
                         {"label": "Sessions", "value": "sessions"}])], md=3),
            # The label wraps the upload so its hidden file input has a name for screen readers.
            dbc.Col(html.Label([html.Span("CSV file", className="d-block mb-2"), dcc.Upload(
                id=f"{P}-upload", children=html.Div(["Drop a CSV here or choose a file"]),
                className="border border-2 border-secondary-subtle rounded p-3 text-center",
                accept=".csv,text/csv", max_size=50 * 1024 * 1024)], className="w-100"), md=6),
        ]),
        dbc.Progress(id=f"{P}-progress", value=0, max=1, className="mt-2", label="",
                     style={"display": "none"}),
        html.Div(id=f"{P}-report", role="status", className="mt-2"),
        dcc.Store(id=f"{P}-token", data=secrets.token_hex(8)),
    ], style={"maxWidth": "60rem"})


@callback(
    Output(f"{P}-file", "data"),
    Input({"type": f"{P}-export", "kind": dash.ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def export(clicks):
    admin = require_admin()
    if not any(clicks or []):
        return no_update
    kind = ctx.triggered_id["kind"]
    if kind not in ("clients", "sessions", "plans"):
        return no_update
    with current_db().read() as db:
        text = export_csv(db, kind)
    with current_db().begin() as db:
        record_audit(db, user_id=admin.id, action="data_exported", entity=kind, ip=client_ip())
    return dcc.send_string(text, f"{kind}-{clinic_today().isoformat()}.csv")


def _report(problems, total: int) -> dbc.Alert:
    shown = problems[:SHOWN_PROBLEMS]
    more = len(problems) - len(shown)
    return dbc.Alert([
        html.Strong(f"Nothing was imported: {len(problems)} of {total} rows need fixing."),
        html.Ul([html.Li(f"Row {p.row}: {p.reason}") for p in shown], className="mb-0"),
        html.P(f"…and {more} more.") if more else None,
    ], color="danger", id=f"{P}-problems")


@callback(
    Output(f"{P}-report", "children"),
    Input(f"{P}-upload", "contents"),
    State(f"{P}-upload", "filename"),
    State(f"{P}-kind", "value"),
    # A token per page load keeps each request's job and result apart in the cache.
    State(f"{P}-token", "data"),
    background=True,
    progress=[Output(f"{P}-progress", "value"), Output(f"{P}-progress", "max"),
              Output(f"{P}-progress", "label")],
    running=[(Output(f"{P}-progress", "style"), {"display": "flex"}, {"display": "none"})],
    prevent_initial_call=True,
)
def import_file(set_progress, contents, filename, kind, _token):
    """Runs in a background process; the caller was identified on the server (app.py)."""
    admin = background_caller()
    if not admin.is_admin:
        raise NotAuthenticated()
    try:
        content = base64.b64decode(str(contents).split(",", 1)[1])
        header, rows = read_rows(content)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError) as exc:
        return dbc.Alert(f"That file cannot be read as CSV ({exc}).", color="danger")
    required = CLIENT_COLUMNS if kind == "clients" else SESSION_COLUMNS
    missing = missing_columns(header, required)
    if missing:
        return dbc.Alert(f"Missing columns: {', '.join(missing)}. Nothing was imported.",
                         color="danger")
    if not rows or len(rows) > MAX_ROWS:
        return dbc.Alert(f"The file must hold 1 to {MAX_ROWS} rows.", color="danger")
    today = clinic_today()
    set_progress((0, len(rows), "checking"))
    with job_database() as database:
        with database.read() as db:
            if kind == "clients":
                good, problems = check_client_rows(rows, today, practitioner_emails(db))
            else:
                good, problems = check_session_rows(rows, today, current_episode_dates(db))
        if problems:
            return _report(problems, len(rows))
        with database.begin() as db:
            def report(done: int, total: int) -> None:
                set_progress((done, total, f"{done} of {total}"))

            count = (import_clients(db, good, today, report) if kind == "clients"
                     else import_sessions(db, good, report))
            record_audit(db, user_id=admin.id, action="data_imported", entity=kind,
                         detail={"rows": count, "file": str(filename)[:200]})
    return dbc.Alert(f"Imported {count} {kind} from {filename}.", color="success")
