"""Client list: search as you type, filters, sorting and pagination, all done in SQL."""

from __future__ import annotations

import math
import secrets

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard.auth.access import require_user
from dashboard.auth.audit import record_audit
from dashboard.components.tables import client_table
from dashboard.context import (
    background_base_url,
    background_caller,
    background_ip,
    clinic_today,
    current_db,
    job_database,
    own_link_url,
)
from dashboard.db.clients import SORTS, ClientFilters, list_clients
from dashboard.db.handouts import active_clients_with_plans
from dashboard.db.users import list_practitioners
from dashboard.domain.episodes import EPISODE_STATE_LABELS
from dashboard.domain.ids import parse_id, parse_page
from dashboard.domain.outcomes import FILTER_LABELS
from dashboard.domain.status import STATUS_LABELS
from dashboard.domain.text import search_text
from dashboard.handout.documents import prepare_batch, record_given, render_batch
from dashboard.handout.render import PAGE_SIZES
from dashboard.pages.ids import clients as ids

dash.register_page(__name__, path="/clients", title="Clients · Back Pain Care", name="Clients")

PAGE_SIZE = 25
SORT_LABELS = {"name": "Name", "last_session": "Last session (newest first)",
               "pain": "Latest pain (highest first)", "due": "Next due (soonest first)"}
FILTER_INPUTS = [Input(ids.SEARCH, "value"), Input(ids.ARCHIVED, "value"),
                 Input(ids.STATUS, "value"), Input(ids.DUE, "value"),
                 Input(ids.SORT, "value"), Input(ids.PRACTITIONER, "value")]


def _episode_filter(choice: object) -> str | None:
    """The status control also offers "episode:flagged" and "episode:discharged"."""
    text = str(choice or "")
    state = text.removeprefix("episode:")
    return state if text.startswith("episode:") and state in EPISODE_STATE_LABELS else None


def _questionnaire_filter(choice: object) -> str | None:
    """... and "change:<key>" for the current episode's questionnaires (docs/OUTCOMES.md)."""
    text = str(choice or "")
    key = text.removeprefix("change:")
    return key if text.startswith("change:") and key in FILTER_LABELS else None


def _select(id_: str, label: str, options: list[dict], value: object, width: int) -> dbc.Col:
    # Three to a row on a tablet; one row of filters from a wide laptop up (``width``).
    return dbc.Col([dbc.Label(label, html_for=id_),
                    dbc.Select(id=id_, options=options, value=value)], md=4, xl=width)


def _filters(user, *, search, archived, status, due, sort, practitioner, page
             ) -> ClientFilters:
    """The list's filters from the controls or the URL (both come from the browser)."""
    return ClientFilters(
        search=search_text(search), archived=archived == "archived",
        status=status if status in STATUS_LABELS else None,
        episode_state=_episode_filter(status),
        questionnaires=_questionnaire_filter(status),
        due_only=due in (True, "1"),
        practitioner_id=parse_id(practitioner) if user.is_admin else None,
        sort=sort if sort in SORTS else "name", page=parse_page(page),
        page_size=PAGE_SIZE)


def _results(user, filters: ClientFilters) -> tuple:
    """The table (or "no clients"), the count sentence, the number of pages, the page."""
    today = clinic_today()
    with current_db().read() as db:
        rows, total = list_clients(db, user, filters, today)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not rows:
        return (html.P("No clients match.", id=ids.EMPTY), "0 clients", pages,
                filters.page)
    start = (filters.page - 1) * PAGE_SIZE + 1
    count = f"{total} client{'s' if total != 1 else ''} · showing {start}-{start + len(rows) - 1}"
    table = client_table(rows, today=today, show_practitioner=user.is_admin,
                         table_id=ids.LIST)
    return table, count, pages, filters.page


def layout(q: str = "", show: str = "active", status: str = "any", sort: str = "name",
           due: str = "", practitioner: str = "all", page: str = "1", **_query: str
           ) -> html.Div:
    """The filters, sort and page come from the URL (so Back and reload keep them), and the
    first page of results is drawn with the page: nothing moves when it arrives."""
    user = require_user()
    filters = _filters(user, search=q, archived=show, status=status, due=due, sort=sort,
                       practitioner=practitioner, page=page)
    table, count, pages, page_number = _results(user, filters)
    # dbc.Select shows no option for an empty value, hence the "all"/"any" sentinels.
    practitioners: list[dict] = [{"label": "All practitioners", "value": "all"}]
    if user.is_admin:
        with current_db().read() as db:
            practitioners += [{"label": u.name, "value": str(u.id)}
                              for u in list_practitioners(db)]
    status_options = [{"label": "Any status", "value": "any"}] + [
        {"label": label, "value": key} for key, label in STATUS_LABELS.items()] + [
        {"label": f"Episode: {EPISODE_STATE_LABELS[key].lower()}", "value": f"episode:{key}"}
        for key in ("flagged", "discharged")] + [
        {"label": f"Questionnaires: {label.lower()}", "value": f"change:{key}"}
        for key, label in FILTER_LABELS.items()]
    chosen_practitioner = str(filters.practitioner_id) if filters.practitioner_id else "all"
    return html.Div([
        html.Div([
            html.H1("Clients", className="h3 me-auto"),
            dcc.Link("New client", href="/new-client", className="btn btn-primary",
                     id=ids.NEW),
        ], className="d-flex align-items-center mb-3"),
        dbc.Row([
            dbc.Col([dbc.Label("Search by name", html_for=ids.SEARCH),
                     dbc.Input(id=ids.SEARCH, type="search", placeholder="Type a name…",
                               debounce=0.25, autoComplete="off", maxLength=100,
                               value=filters.search)], md=4, xl=3),
            _select(ids.ARCHIVED, "Show", [{"label": "Active clients", "value": "active"},
                                           {"label": "Archived clients", "value": "archived"}],
                    "archived" if filters.archived else "active", 2),
            _select(ids.STATUS, "Status", status_options,
                    status if any(o["value"] == status for o in status_options) else "any", 2),
            _select(ids.SORT, "Sort by", [{"label": SORT_LABELS[k], "value": k}
                                          for k in SORTS], filters.sort, 2),
            # Practitioners see only their own clients: the control is there but hidden.
            _select(ids.PRACTITIONER, "Practitioner", practitioners, chosen_practitioner, 2)
            if user.is_admin else html.Div(
                dbc.Select(id=ids.PRACTITIONER, options=practitioners, value="all"),
                hidden=True),
            dbc.Col(dbc.Checkbox(id=ids.DUE, label="Due or overdue only",
                                 value=filters.due_only),
                    md=4, xl=1, className="d-flex align-items-end pb-2"),
        ], className="g-2 mb-3"),
        _batch_controls(),
        html.P(count, id=ids.COUNT, className="text-body-secondary", role="status"),
        dcc.Loading(html.Div(table, id=ids.TABLE), delay_show=300),
        dbc.Pagination(id=ids.PAGES, max_value=pages, active_page=page_number,
                       fully_expanded=False, first_last=True, previous_next=True),
        dcc.Store(id=ids.URL),
    ])


@callback(
    Output(ids.TABLE, "children"),
    Output(ids.COUNT, "children"),
    Output(ids.PAGES, "max_value"),
    Output(ids.PAGES, "active_page"),
    *FILTER_INPUTS,
    Input(ids.PAGES, "active_page"),
    prevent_initial_call=True,  # the layout drew the first page
)
def show_clients(search, archived, status, due, sort, practitioner, page):
    user = require_user()
    # A change of filter starts again at page 1; only the pager itself moves pages.
    page = page if ctx.triggered_id == ids.PAGES else 1
    return _results(user, _filters(user, search=search, archived=archived, status=status,
                                   due=bool(due), sort=sort, practitioner=practitioner,
                                   page=str(page or 1)))


# The filters, sort and page go into the address (replacing the history entry, so Back
# leaves the list rather than stepping through each keystroke): Back from a client and a
# reload come back to the same list. Only non-default values are written.
clientside_callback(
    """function (q, show, status, due, sort, practitioner, page) {
        const values = {q: (q || "").trim(), show: show === "archived" ? show : "",
                        status: status && status !== "any" ? status : "",
                        due: due ? "1" : "", sort: sort && sort !== "name" ? sort : "",
                        practitioner: practitioner && practitioner !== "all" ? practitioner : "",
                        page: page && page > 1 ? String(page) : ""};
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(values)) {
            if (value) { params.set(key, value); }
        }
        const search = params.toString() ? "?" + params.toString() : "";
        if (window.location.pathname === "/clients" && window.location.search !== search) {
            window.history.replaceState(window.history.state, "", "/clients" + search);
        }
        return search;
    }""",
    Output(ids.URL, "data"),
    *FILTER_INPUTS,
    Input(ids.PAGES, "active_page"),
    prevent_initial_call=True,
)


def _batch_controls() -> html.Details:
    return html.Details([
        html.Summary("Print handouts for all active clients"),
        html.P("One PDF with the current handout of every active client with a plan "
               "(for an admin: of the practitioner chosen above). Each is recorded as given.",
               className="small mt-2 mb-1"),
        html.Div([
            html.Label(["Paper ", dbc.Select(
                id=ids.BATCH_SIZE, value="a4", size="sm", style={"width": "8rem"},
                options=[{"label": "A4", "value": "a4"},
                         {"label": "US Letter", "value": "letter"}])],
                className="d-flex align-items-center gap-2 mb-0"),
            dbc.Button("Make the PDF", id=ids.BATCH, size="sm", color="secondary",
                       className="ms-2"),
        ], className="d-flex align-items-center"),
        dbc.Progress(id=ids.BATCH_PROGRESS, value=0, max=1, className="mt-2",
                     style={"display": "none"}, label=""),
        html.Div(id=ids.BATCH_STATUS, role="status", className="small mt-1"),
        dcc.Download(id=ids.BATCH_FILE),
        dcc.Store(id=ids.BATCH_PAGE_LOAD, data=secrets.token_hex(8)),
    ], className="mb-3 no-print")


@callback(
    Output(ids.BATCH_FILE, "data"),
    Output(ids.BATCH_STATUS, "children"),
    Input(ids.BATCH, "n_clicks"),
    State(ids.PRACTITIONER, "value"),
    State(ids.BATCH_SIZE, "value"),
    # A token per page load keeps each request's job and result apart in the cache.
    State(ids.BATCH_PAGE_LOAD, "data"),
    background=True,
    progress=[Output(ids.BATCH_PROGRESS, "value"), Output(ids.BATCH_PROGRESS, "max"),
              Output(ids.BATCH_PROGRESS, "label")],
    running=[(Output(ids.BATCH, "disabled"), True, False),
             (Output(ids.BATCH_PROGRESS, "style"), {"display": "flex"}, {"display": "none"})],
    prevent_initial_call=True,
)
def print_all(set_progress, _n, practitioner, size, _token):
    """Runs in a background process: the caller was identified on the server when the
    request came in (see the custom_data hook in app.py), never from the browser's values."""
    user = background_caller()
    target = parse_id(practitioner) if user.is_admin else user.id
    if target is None:
        return no_update, "Choose a practitioner above first."
    size = size if size in PAGE_SIZES else "a4"
    with job_database() as database:
        with database.read() as db:
            clients, flagged = active_clients_with_plans(db, target)
            base = background_base_url()
            prepared = prepare_batch(db, clients=clients, page_size=size, own_links={
                c.id: own_link_url(db, c.id, base) for c in clients})
            # A client with an urgent red flag open gets a handout only with a reason given
            # for them, on their own page (issue 17, item 8): the batch leaves them out, by
            # name.
            skipped = (f" Left out, urgent red flag open: "
                       f"{', '.join(f'{c.given_name} {c.family_name}' for c in flagged)}."
                       if flagged else "")
        if not prepared:
            return no_update, "No active client with a plan." + skipped
        # Laid out with no transaction open: other users' writes go on meanwhile.
        singles, pdf = render_batch(prepared, lambda done, total: set_progress(
            (done, total, f"{done} of {total}")))
        with database.begin() as db:
            for item, single in zip(prepared, singles, strict=True):
                record_given(db, item, single, user.id)
            record_audit(db, user_id=user.id, action="handouts_batch", entity="user",
                         entity_id=target, ip=background_ip(),
                         detail={"clients": len(prepared)})
    return (dcc.send_bytes(pdf, f"handouts-{clinic_today().isoformat()}.pdf"),
            f"{len(prepared)} handouts ready ({len(pdf) // 1024} KB).{skipped}")
