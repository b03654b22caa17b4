"""The client's page: details, archive, the views' layout and the progress view; the
views' own callbacks are in sessions.py, plans.py and episodes.py.

Every callback starts by asking the server who is calling and whether they may see the
client whose id the page holds: that id comes from the browser and is never trusted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash
import dash_bootstrap_components as dbc
from dash import (
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
    no_update,
)

from dashboard.auth.access import AccessDenied, authorize_client, break_glass_marks, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.attributes import aria
from dashboard.components.status import episode_badge, pain_with_change, status_badge
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.clients import practitioner_name, set_archived, shared_with
from dashboard.db.clinic import get_clinic
from dashboard.db.episodes import (
    EpisodeError,
    client_episode,
    discharge_goals,
    list_episodes,
    needs_intake,
    red_flag_answers,
    user_names,
)
from dashboard.db.handouts import handout_history
from dashboard.db.plans import (
    plan_history_and_current,
)
from dashboard.db.progress import load_progress
from dashboard.db.sessions import alerts_for, session_context, session_history
from dashboard.db.summary import current_episode
from dashboard.domain.dates import format_day
from dashboard.domain.people import age_on
from dashboard.pages.client import (
    episode_views,
    handout_views,
    ids,
    plan_views,
    privacy_views,  # the break-glass form and the client's copy
    progress_views,
    session_views,
)
from dashboard.pages.client import episodes as _episode_callbacks  # noqa: F401 (registers them)
from dashboard.pages.client import plans as plan_callbacks  # the builder, and its callbacks
from dashboard.pages.client import sessions as _session_callbacks  # noqa: F401 (registers them)
from dashboard.pages.client import team as team_views

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import Client

dash.register_page(__name__, path_template="/clients/<client_id>",
                   title="Client · Back Pain Care")


def _badges(client: Client) -> list:
    return [status_badge(client.status), episode_badge(client.episode_state)]


def _facts(client: Client, practitioner: str, today) -> list[str]:
    contact = " · ".join(x for x in (client.email, client.phone) if x) or "No contact details"
    return [
        f"Age {age_on(client.date_of_birth, today)} (born {format_day(client.date_of_birth)})",
        f" · {contact} · Practitioner: {practitioner}",
        f" · Latest pain {pain_with_change(client.latest_pain, client.baseline_pain)}",
    ]


def _details(client: Client, practitioner: str, today, record_tools: list) -> html.Div:
    return html.Div([
        html.Div([
            html.H1(f"{client.given_name} {client.family_name}", className="h3 me-3 mb-0"),
            html.Span(_badges(client), id=ids.HEADER_BADGES),
            dbc.Badge("Archived", color="dark", className="ms-2", id=ids.ARCHIVED_BADGE,
                      style={} if client.archived else {"display": "none"}),
        ], className="d-flex align-items-center flex-wrap"),
        html.P(_facts(client, practitioner, today), id=ids.HEADER_FACTS,
               className="text-body-secondary mb-2"),
        # Every action on the record in one row of buttons.
        html.Div([
            dcc.Link("Edit details", href=f"/clients/{client.id}/edit",
                     className="btn btn-outline-primary btn-sm"),
            dbc.Button("Restore" if client.archived else "Archive", id=ids.ARCHIVE,
                       color="secondary", outline=True, size="sm"),
            html.A("Export record (FHIR)", href=f"/clients/{client.id}/fhir.json",
                   className="btn btn-outline-secondary btn-sm", id=ids.FHIR_LINK),
            *record_tools,
            html.Span(id=ids.ARCHIVE_RESULT, className="small", role="status"),
        ], className="no-print d-flex flex-wrap align-items-center gap-2"),
    ], className="mb-3")


VIEWS = ("sessions", "plan", "progress", "episode")


def _episode_tab(db, client: Client, episode, episodes, today, plan) -> html.Div:
    """The current episode (intake, red flag, discharge) and every earlier one."""
    if episode is None:
        return html.Div(episode_views.episode_list(client.id, episodes), className="pt-3")
    answers = red_flag_answers(db, episode.id)
    names = user_names(db, episode.consent_recorded_by_id, episode.referral_recorded_by_id,
                       episode.flag_cleared_by_id)
    discharged = episode.ended_on is not None
    current = [
        html.H2(f"Current episode, since {format_day(episode.started_on)}" if not discharged
                else f"Last episode: discharged {format_day(episode.ended_on)}", className="h5"),
        html.Div(episode_views.flag_panel(
            episode, answers, names.get(episode.referral_recorded_by_id or 0, ""),
            names.get(episode.flag_cleared_by_id or 0, "")), id=ids.FLAG_AREA),
        episode_views.flag_feedback(),
        episode_views.see_doctor_note(episode, answers),
        episode_views.intake_summary(episode, answers, names),
    ]
    if needs_intake(episode):
        current.append(dcc.Link("Start a new episode (re-referral)" if discharged else
                                "Record intake", href=f"/clients/{client.id}/intake",
                                className="btn btn-primary btn-sm mt-2", id=ids.INTAKE_LINK))
    if not discharged:
        goals = discharge_goals(db, episode, plan, episodes=episodes)
        current.append(episode_views.discharge_form(episode, goals, today))
    return html.Div([
        html.Div(current, className="mb-4"),
        html.H2("All episodes", className="h5"),
        episode_views.episode_list(client.id, episodes),
    ], className="pt-3")


def layout(client_id: str = "", view: str = "sessions", **_query: str) -> html.Div:
    user = require_user()
    view = view if view in VIEWS else "sessions"
    today = clinic_today()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            return privacy_views.refused_view(db, user, client_id)
        covering = client.id in break_glass_marks(db)
        episode = current_episode(db, client.id)
        versions, plan = plan_history_and_current(db, episode.id, plan_views.HISTORY_SHOWN + 1) \
            if episode else ([], None)
        details = _details(client, practitioner_name(db, client.practitioner_id), today,
                           privacy_views.record_tools(client, user))
        current = versions[0] if versions else None
        context = session_context(db, client, today, episode=episode, plan=plan)
        history = session_views.history_table(
            session_history(db, client.id, include_deleted=user.is_admin),
            can_restore=user.is_admin)
        handouts = handout_history(db, client.id)
        team = team_views.team_card(client.id, client.practitioner_id,
                                    team_views.practitioners_for_card(db),
                                    shared_with(db, client.id)) if user.is_admin else None
        clinic = get_clinic(db)
        alerts = session_views.alerts_area(alerts_for(db, user, client_id=client.id),
                                           clinic.crisis_line_text if clinic else "")
        episodes = list_episodes(db, client.id)
        episode_tab = _episode_tab(db, client, episode, episodes, today, plan)
        episode_choices = [
            (e.id, f"#{e.number}: {format_day(e.started_on)} – "
                   + (f"{format_day(e.ended_on)}" if e.ended_on else "now"))
            for e in episodes]
        intake_missing = episode is not None and episode.ended_on is None and \
            episode.intake_recorded_at is None
        plan_warning = episode_views.plan_warning(episode)
        # Only the view the page opens on is drawn with it (the others when first opened):
        # the Plan builder and the graphs are most of a client page's weight.
        plan_area = plan_callbacks.plan_area(db, client, episode, plan) \
            if view == "plan" else None
        progress = _progress(db, episode, None, today) if view == "progress" else None
    with current_db().begin() as db:
        # One audit entry per record opened (the page's callbacks do not add more); a short
        # write of its own, so no lock is held while the page is built.
        record_audit(db, user_id=user.id, action="client_viewed", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip())
    open_episode = episode is not None and episode.ended_on is None
    sessions_tab = html.Div([
        # A client with no activities yet has them chosen first, above the form that scores
        # them; afterwards the editor waits below, folded.
        session_views.activities_editor(context)
        if open_episode and not context.activities else None,
        html.Div(session_views.session_form(context, today), id=ids.SESSION_AREA)
        if open_episode else None,
        session_views.activities_editor(context)
        if open_episode and context.activities else None,
        html.Div([html.H2("Session history", className="h5 mb-0"),
                  dcc.Link("Every session's note in full", href=f"/clients/{client.id}/notes",
                           id=ids.SESSION_NOTES_LINK, className="small")],
                 className="d-flex flex-wrap align-items-baseline column-gap-3 mt-4 mb-2"),
        html.Div(history, id=ids.SESSION_HISTORY),
    ], className="pt-3")
    plan_tab = dbc.Row([
        dbc.Col([html.H2(plan_views.heading(current), id=ids.HEADING, className="h5"),
                 plan_warning,
                 # The builder (a third of the page) is drawn when the Plan view first opens
                 # (with the page when it opens on Plan).
                 dcc.Store(id=ids.PLAN_DRAWN, data=view == "plan"),
                 dcc.Loading(html.Div(plan_area, id=ids.PLAN_AREA), delay_show=200)], lg=8),
        dbc.Col([html.H2("Plan history", className="h5"),
                 html.Div(plan_views.history(versions), id=ids.HISTORY),
                 handout_views.handout_card(client.id, handouts,
                                            flag_open=plan_warning is not None)], lg=4),
    ], className="pt-3")
    return html.Div([
        dcc.Store(id=ids.CLIENT_ID, data=client.id),
        dcc.Store(id=ids.SESSION_EDITING, data=None),
        dcc.Link("← Clients", href="/clients", className="no-print"),
        details,
        privacy_views.covering_banner() if covering else None,
        team,
        html.Div(alerts, id=ids.ALERTS),
        dbc.Alert(["Intake has not been recorded for this episode. ",
                   dcc.Link("Record intake", href=f"/clients/{client.id}/intake")],
                  color="warning", className="py-2") if intake_missing else None,
        # A radio group as the view switch: dbc.Tabs renders duplicate ids and invalid
        # ARIA (axe flags it as critical); radios are keyboard-friendly by design.
        dbc.RadioItems(id=ids.TABS, value=view, options=[
            {"label": "Sessions", "value": "sessions"}, {"label": "Plan", "value": "plan"},
            {"label": "Progress", "value": "progress"},
            {"label": "Episode", "value": "episode"}],
            name="client-view",
            className="view-switch no-print", inputClassName="btn-check",
            labelClassName="btn btn-outline-primary", labelCheckedClassName="active"),
        html.Section(sessions_tab, id=f"{ids.TABS}-sessions", hidden=view != "sessions",
                     **aria(label="Sessions")),
        html.Section(plan_tab, id=f"{ids.TABS}-plan", hidden=view != "plan",
                     **aria(label="Plan")),
        html.Section([progress_views.range_control(episodes=episode_choices),
                      dcc.Loading(html.Div(progress, id=ids.PROGRESS), delay_show=200)],
                     id=f"{ids.TABS}-progress", hidden=view != "progress", className="pt-3",
                     **aria(label="Progress")),
        html.Section(episode_tab, id=f"{ids.TABS}-episode", hidden=view != "episode",
                     **aria(label="Episode")),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(id=ids.VERSION_TITLE)),
            dbc.ModalBody(id=ids.VERSION_BODY),
        ], id=ids.VERSION_MODAL, size="lg", is_open=False),
    ])


@callback(
    Output(ids.ARCHIVE, "children"),
    Output(ids.ARCHIVED_BADGE, "style"),
    Output(ids.ARCHIVE_RESULT, "children"),
    Input(ids.ARCHIVE, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def toggle_archive(_n, client_id):
    user = require_user()
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        set_archived(client, not client.archived, clinic_today())
        record_audit(db, user_id=user.id,
                     action="client_archived" if client.archived else "client_restored",
                     entity="client", entity_id=client.id, client_id=client.id, ip=client_ip())
        archived = client.archived
    message = ("Archived: hidden from the client list; nothing is lost. Restore to undo."
               if archived else "Restored to the client list.")
    return ("Restore" if archived else "Archive", {} if archived else {"display": "none"},
            message)


def _header(client_id) -> dict[str, object]:
    user = require_user()
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        return {"badges": _badges(client),
                "facts": _facts(client, practitioner_name(db, client.practitioner_id),
                                clinic_today())}


# What a save changes in the header (status, latest pain, episode state) is shown at once:
# whenever a session or plan save (or a session's deletion) reports, the header is read
# again from the client's summary row, which the save has just refreshed.
@callback(
    output={"badges": Output(ids.HEADER_BADGES, "children"),
            "facts": Output(ids.HEADER_FACTS, "children")},
    inputs={"_result": Input(ids.SESSION_RESULT, "children")},
    state={"client_id": State(ids.CLIENT_ID, "data")},
    prevent_initial_call=True,
)
def header_after_session(_result, client_id):
    return _header(client_id)


@callback(
    output={"badges": Output(ids.HEADER_BADGES, "children", allow_duplicate=True),
            "facts": Output(ids.HEADER_FACTS, "children", allow_duplicate=True)},
    inputs={"_result": Input(ids.SAVE_RESULT, "children")},
    state={"client_id": State(ids.CLIENT_ID, "data")},
    prevent_initial_call=True,
)
def header_after_plan(_result, client_id):
    return _header(client_id)


# Switching views happens in the browser: it shows or hides sections already on the page.
clientside_callback(
    """function (view) {
        return [view !== "sessions", view !== "plan", view !== "progress",
                view !== "episode"];
    }""",
    Output(f"{ids.TABS}-sessions", "hidden"),
    Output(f"{ids.TABS}-plan", "hidden"),
    Output(f"{ids.TABS}-progress", "hidden"),
    Output(f"{ids.TABS}-episode", "hidden"),
    Input(ids.TABS, "value"),
    prevent_initial_call=True,  # the page is drawn with its view shown
)


def _progress(db, episode, range_choice: object, today) -> html.Div | html.P:
    """The progress view of an episode (the current one unless another was chosen)."""
    if episode is None:
        return html.P("No episode of care yet.")
    progress = load_progress(db, episode.id, progress_views.since_for(range_choice, today))
    return progress_views.progress_view(progress, str(range_choice or "all"))


@callback(
    Output(ids.PROGRESS, "children"),
    Input(ids.TABS, "value"),
    Input(ids.PROGRESS_RANGE, "value"),
    Input(ids.PROGRESS_EPISODE, "value"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,  # a page opened on Progress draws it itself
)
def show_progress(view, range_choice, episode_choice, client_id):
    """Drawn only when the progress view is open, and again when its range changes."""
    user = require_user()
    today = clinic_today()
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)  # before anything, whatever the view
        if view != "progress":
            return no_update
        episode = current_episode(db, client.id)
        if episode_choice and episode is not None and str(episode_choice) != str(episode.id):
            try:
                episode = client_episode(db, client, episode_choice)  # id from the browser
            except EpisodeError:
                raise AccessDenied("no such episode") from None
        return _progress(db, episode, range_choice, today)
