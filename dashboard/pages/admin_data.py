"""Admin: data out (CSV of clients, sessions, plans) and in (clients or sessions from CSV).
Every row is checked first; while any row is bad, nothing is imported and a report names
each bad row and why. A good file is previewed with its likely duplicates and written only
when the admin presses Import. A large file shows its progress (a background job)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from typing import TYPE_CHECKING

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.development.base_component import Component

from dashboard.auth.access import NotAuthenticated, admin_only, require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.attributes import aria
from dashboard.components.status import admins_only
from dashboard.context import (
    background_caller,
    background_ip,
    client_ip,
    clinic_today,
    current_db,
    job_database,
)
from dashboard.db.csv_data import check_file, export_csv, import_clients, import_sessions, read_rows
from dashboard.domain.csv_import import (
    CLIENT_COLUMNS,
    MAX_ROWS,
    SESSION_COLUMNS,
    LikelyDuplicate,
    likely_duplicates,
    missing_columns,
)
from dashboard.pages.ids import admin_data as ids

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

dash.register_page(__name__, path="/admin/data", title="Data in and out · Back Pain Care",
                   name="Data")

SHOWN_PROBLEMS = 50


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    return html.Div([
        html.H1("Data in and out", className="h3"),
        html.H2("Export (CSV)", className="h5"),
        html.Div([dbc.Button(f"Export {kind}", id={"type": ids.EXPORT, "kind": kind},
                             color="secondary", outline=True, className="me-2")
                  for kind in ("clients", "sessions", "plans")]),
        dcc.Download(id=ids.FILE),
        html.H2("Import (CSV)", className="h5 mt-4"),
        html.P(["Clients need the columns ", html.Code(", ".join(CLIENT_COLUMNS)),
                "; sessions ", html.Code(", ".join(SESSION_COLUMNS)), "."], className="small"),
        dbc.Row([
            dbc.Col([dbc.Label("What the file holds", html_for=ids.KIND),
                     dbc.Select(id=ids.KIND, value="clients", options=[
                         {"label": "Clients", "value": "clients"},
                         {"label": "Sessions", "value": "sessions"}])], md=3),
            # The label wraps the upload so its hidden file input has a name for screen readers.
            dbc.Col(html.Label([html.Span("CSV file", className="d-block mb-2"), dcc.Upload(
                id=ids.UPLOAD, children=html.Div(["Drop a CSV here or choose a file"]),
                className="border border-2 border-secondary-subtle rounded p-3 text-center",
                accept=".csv,text/csv", max_size=50 * 1024 * 1024)], className="w-100"), md=6),
        ]),
        dbc.Progress(id=ids.PROGRESS, value=0, max=1, className="mt-2", label="",
                     style={"display": "none"}),
        html.Div(id=ids.REPORT, role="status", className="mt-2"),
        html.Section(id=ids.PREVIEW, hidden=True, className="border rounded p-3 mt-2",
                     **aria(labelledby=ids.PREVIEW_TITLE), children=[
            html.H3("Check before importing", id=ids.PREVIEW_TITLE, className="h6"),
            html.Div(id=ids.PREVIEW_BODY),
            html.Div(id=ids.SKIP_WRAP, hidden=True, children=dbc.Checkbox(
                id=ids.SKIP, value=True, label="Leave out the likely duplicates")),
            dbc.Button("Import", id=ids.CONFIRM, color="primary", className="mt-2"),
        ]),
        dcc.Store(id=ids.CHECKED),
        dcc.Store(id=ids.PAGE_LOAD, data=secrets.token_hex(8)),
    ], style={"maxWidth": "60rem"})


@callback(
    Output(ids.FILE, "data"),
    Input({"type": ids.EXPORT, "kind": dash.ALL}, "n_clicks"),
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
    ], color="danger", id=ids.PROBLEMS)


def _describe_duplicate(d: LikelyDuplicate, kind: str) -> html.Li:
    if d.of_record is not None:
        noun = "client" if kind == "clients" else "a session of client"
        match: list[Component | str] = [
            f"matches {noun} ", dcc.Link(f"#{d.of_record}", href=f"/clients/{d.of_record}"),
            " already on record"]
    else:
        match = [f"matches row {d.of_row} of this file"]
    return html.Li([f"Row {d.row}: {d.what}, ", *match])


def _preview(kind: str, filename: str, count: int, duplicates: list[LikelyDuplicate]):
    """What a confirm would write: the row count and every likely duplicate (up to a limit)."""
    noun = "clients" if kind == "clients" else "sessions"
    rule = ("the same name and date of birth" if kind == "clients"
            else "the same client and date")
    shown = duplicates[:SHOWN_PROBLEMS]
    body: list[Component | None] = [
        html.P([html.Strong(f"{count} {noun}"), f" in {filename} are ready to import. "
                "Nothing has been written yet."], className="mb-1")]
    if duplicates:
        body += [html.P(f"{len(duplicates)} of them look like duplicates ({rule}):",
                        className="mb-1 fw-semibold"),
                 html.Ul([_describe_duplicate(d, kind) for d in shown], id=ids.DUPLICATES),
                 html.P(f"…and {len(duplicates) - len(shown)} more.") if len(shown) <
                 len(duplicates) else None]
    return body


def _fingerprint(contents: str, kind: str) -> str:
    """Ties a confirm to the file and kind that were previewed."""
    return hashlib.sha256(f"{kind}:{contents}".encode()).hexdigest()


def _read_file(contents: object, kind: str) -> list[dict[str, str]] | str:
    """The rows of an uploaded CSV, or why they cannot be imported."""
    try:
        content = base64.b64decode(str(contents).split(",", 1)[1])
        header, rows = read_rows(content)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError) as exc:
        return f"That file cannot be read as CSV ({exc})."
    missing = missing_columns(header, CLIENT_COLUMNS if kind == "clients" else SESSION_COLUMNS)
    if missing:
        return f"Missing columns: {', '.join(missing)}. Nothing was imported."
    if not rows or len(rows) > MAX_ROWS:
        return f"The file must hold 1 to {MAX_ROWS} rows."
    return rows


def _import_report(report: Component | None = None) -> dict[str, object]:
    """The import's outputs with no preview showing: only its report (if any)."""
    return {"report": report, "preview_hidden": True, "preview": None, "skip_hidden": True,
            "checked": None}


@callback(
    output={"report": Output(ids.REPORT, "children"),
            "preview_hidden": Output(ids.PREVIEW, "hidden"),
            "preview": Output(ids.PREVIEW_BODY, "children"),
            "skip_hidden": Output(ids.SKIP_WRAP, "hidden"),
            "checked": Output(ids.CHECKED, "data")},
    inputs={"contents": Input(ids.UPLOAD, "contents"), "kind": Input(ids.KIND, "value"),
            "confirm": Input(ids.CONFIRM, "n_clicks")},
    # A token per page load keeps each request's job and result apart in the cache.
    state={"filename": State(ids.UPLOAD, "filename"),
           "checked": State(ids.CHECKED, "data"), "skip": State(ids.SKIP, "value"),
           "_token": State(ids.PAGE_LOAD, "data")},
    background=True,
    progress=[Output(ids.PROGRESS, "value"), Output(ids.PROGRESS, "max"),
              Output(ids.PROGRESS, "label")],
    running=[(Output(ids.PROGRESS, "style"), {"display": "flex"}, {"display": "none"}),
             (Output(ids.CONFIRM, "disabled"), True, False)],
    prevent_initial_call=True,
)
@admin_only
def import_file(set_progress, contents, kind, confirm, filename, checked, skip, _token):
    """Choosing a file (or what it holds) only checks it and previews the row report, or the
    count and the likely duplicates; only Import writes, only the file and kind previewed.
    A background process: the caller was identified on the server (app.py)."""
    admin = background_caller()
    if not admin.is_admin:
        raise NotAuthenticated()
    if contents is None:
        return _import_report()
    confirming = ctx.triggered_id == ids.CONFIRM and bool(confirm)
    kind = kind if kind in ("clients", "sessions") else "clients"
    fingerprint = _fingerprint(str(contents), kind)
    if confirming and fingerprint != (checked or {}).get("fingerprint"):
        return _import_report(dbc.Alert("The file changed since it was checked: nothing was "
                                        "imported. Check the preview below.", color="warning"))
    rows = _read_file(contents, kind)
    if isinstance(rows, str):
        return _import_report(dbc.Alert(rows, color="danger"))
    today = clinic_today()
    set_progress((0, len(rows), "checking"))
    with job_database() as database:
        with database.read() as db:
            found = check_file(db, kind=kind, rows=rows, today=today)
        if found.problems:
            return _import_report(_report(found.problems, len(rows)))
        duplicates = likely_duplicates(found.keys, found.on_record, found.words)
        if not confirming:
            return {"report": None, "preview_hidden": False, "skip_hidden": not duplicates,
                    "preview": _preview(kind, str(filename), len(found.good), duplicates),
                    "checked": {"fingerprint": fingerprint}}
        skipped = {d.row - 2 for d in duplicates} if skip else set()
        good = [row for index, row in enumerate(found.good) if index not in skipped]
        with database.begin() as db:
            count = _write_rows(db, kind, good, today, set_progress)
            _audit_import(db, admin.id, kind, count, str(filename), len(duplicates),
                          bool(skipped))
    skipped_words = f" ({len(duplicates)} likely duplicates skipped)" if skipped else ""
    return _import_report(dbc.Alert(f"Imported {count} {kind} from {filename}{skipped_words}.",
                                     color="success"))


def _audit_import(db: Session, admin_id: int, kind: str, count: int, filename: str,
                  duplicates: int, skipped: bool) -> None:
    record_audit(db, user_id=admin_id, action="data_imported", entity=kind,
                 ip=background_ip(), detail={
                     "rows": count, "file": filename[:200], "likely_duplicates": duplicates,
                     "duplicates_skipped": skipped})


def _write_rows(db: Session, kind: str, good: list, today, set_progress) -> int:
    def report(done: int, total: int) -> None:
        set_progress((done, total, f"{done} of {total}"))

    return (import_clients(db, good, today, report) if kind == "clients"
            else import_sessions(db, good, report))
