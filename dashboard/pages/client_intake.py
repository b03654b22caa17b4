"""Intake: opens an episode of care (or completes a new client's first one) with the
referral, the client's consent and the red-flag screen.

A "yes" to an urgent-care item stops here with the referral form instead of going on to
the plan: the episode is saved and flagged, so nothing the practitioner asked is lost.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.attributes import aria
from dashboard.components.status import client_not_found
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.episodes import EpisodeError, needs_intake, record_intake
from dashboard.db.summary import current_episode
from dashboard.domain.episodes import (
    RED_FLAG_ITEMS,
    REFERRAL_SOURCES,
    URGENT,
    age_flag_answer,
    parse_intake,
)
from dashboard.pages.client import episode_views
from dashboard.pages.client import ids as client_ids
from dashboard.pages.ids import client_intake as ids

# An explicit order puts this page before /clients/<client_id>, whose template would
# otherwise match this path too (Dash's templates match across slashes; first match wins).
dash.register_page(__name__, path_template="/clients/<client_id>/intake", order=2,
                   title="Intake · Back Pain Care")



def _error(key: str) -> html.Div:
    return html.Div(id=ids.ERRORS[key], className="field-error", role="status")


def _screen(age_answer: str) -> html.Fieldset:
    """The red-flag questions; the age item comes answered from the date of birth."""
    rows = []
    for level, heading in ((URGENT, "Urgent care (any yes: stop and refer today)"),
                           ("see_doctor", "See a doctor soon")):
        rows.append(html.Tr(html.Th(heading, colSpan=2, scope="colgroup",
                                    className="table-light")))
        for item in RED_FLAG_ITEMS:
            if item.level != level:
                continue
            rows.append(html.Tr([
                html.Th(item.question, scope="row", className="fw-normal",
                        id=f"{ids.QUESTION}-{item.key}"),
                html.Td([html.Div(dbc.RadioItems(
                    id={"type": ids.FLAG, "item": item.key},
                    value=age_answer if item.key == "age" else "not_asked", inline=True,
                    options=episode_views.answers_labels()),
                    role="radiogroup", **aria(labelledby=f"{ids.QUESTION}-{item.key}")),
                    html.Div(id={"type": ids.FLAG_ERROR, "item": item.key},
                             className="field-error", role="status")]),
            ]))
    return html.Fieldset([
        html.Legend("Red-flag screen: ask each question", className="h5"),
        dbc.Table(html.Tbody(rows), size="sm", className="align-middle"),
    ])


def layout(client_id: str = "", **_query: str) -> html.Div:
    user = require_user()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            return client_not_found()
        episode = current_episode(db, client.id)
        if not needs_intake(episode):
            return html.Div([
                html.H1("Intake already recorded", className="h3"),
                html.P("This client's episode of care is open and its intake is recorded."),
                dcc.Link("Back to the client", href=f"/clients/{client.id}?view=episode"),
            ])
        returning = episode is not None and episode.ended_on is not None
        name = f"{client.given_name} {client.family_name}"
        address = client.email
        age_answer = age_flag_answer(client.date_of_birth, clinic_today())
    title = f"New episode of care: {name}" if returning else f"Intake: {name}"
    return html.Div([
        dcc.Store(id=client_ids.CLIENT_ID, data=client.id),
        dcc.Location(id=ids.GO, refresh="callback-nav"),
        dcc.Link("← Back to the client", href=f"/clients/{client.id}"),
        html.H1(title, className="h3 mt-2"),
        html.P("A returning client starts again from a new baseline: the first session of "
               "this episode." if returning else
               "Record the referral, the client's consent and the red-flag screen before "
               "the first session.", className="text-body-secondary"),
        dbc.Form([
            dbc.Row([
                dbc.Col([dbc.Label("Referred by", html_for=ids.SOURCE),
                         dbc.Select(id=ids.SOURCE, value="self", options=[
                             {"label": label, "value": key}
                             for key, label in REFERRAL_SOURCES.items()]),
                         _error("referral_source")], md=4, className="mb-3"),
                dbc.Col([dbc.Label("Referrer's name (doctor, practitioner, service)",
                                   html_for=ids.REFERRER),
                         dbc.Input(id=ids.REFERRER, maxLength=200),
                         _error("referrer_name")], md=8, className="mb-3"),
            ]),
            dbc.Label("Reason for referral", html_for=ids.REASON),
            dbc.Textarea(id=ids.REASON, rows=2, maxLength=2000),
            _error("reason"),
            html.Fieldset([
                html.Legend("Consent (ask the client; recorded with your name and the time)",
                            className="form-label fs-6 mt-3"),
                dbc.Checkbox(id=ids.CONSENT_TREATMENT, value=False,
                             label="The client consents to assessment and treatment"),
                _error("consent_treatment"),
                dbc.Checkbox(id=ids.CONSENT_DATA, value=False,
                             label="The client consents to their scores being used, "
                                   "anonymised, in clinic statistics"),
                _email_consent(address),
            ], className="mb-3"),
            _screen(age_answer),
            dbc.Button("Record intake", id=ids.SAVE, color="primary", n_clicks=0),
        ], id=ids.FORM),
        html.Div(id=ids.RESULT, className="mt-3", role="status"),
        html.Div(id=client_ids.FLAG_AREA),
        episode_views.flag_feedback(),
    ], style={"maxWidth": "60rem"})


def _email_consent(address: str) -> dbc.Checkbox:
    """Optional: short reminders by email (no health data in them), only with an address."""
    if not address:
        return dbc.Checkbox(id=ids.CONSENT_EMAIL, value=False, disabled=True,
                            label="Email reminders: no email address on the client's record "
                                  "(add one with Edit client to offer them)")
    return dbc.Checkbox(id=ids.CONSENT_EMAIL, value=False,
                        label=f"The client agrees to short email reminders to {address} "
                              "(a questionnaire due, or no day logged; no health data)")


def _answer(errors: dict[str, str], flag_targets: list[dict], result, *, panel=no_update,
            form_style=no_update, go=no_update) -> dict:
    """The save callback's whole answer by output name; ``errors`` by field ("" clears)."""
    return {"errors": {key: errors.get(key, "") for key in ids.ERRORS},
            "flag_errors": [errors.get(f"flag-{o['id']['item']}", "") for o in flag_targets],
            "result": result, "panel": panel, "form_style": form_style, "go": go}


@callback(
    output={"errors": {key: Output(error_id, "children") for key, error_id in ids.ERRORS.items()},
            "flag_errors": Output({"type": ids.FLAG_ERROR, "item": ALL}, "children"),
            "result": Output(ids.RESULT, "children"),
            "panel": Output(client_ids.FLAG_AREA, "children", allow_duplicate=True),
            "form_style": Output(ids.FORM, "style"),
            "go": Output(ids.GO, "href")},
    inputs={"_save": Input(ids.SAVE, "n_clicks")},
    state={"client_id": State(client_ids.CLIENT_ID, "data"), "source": State(ids.SOURCE, "value"),
           "referrer": State(ids.REFERRER, "value"), "reason": State(ids.REASON, "value"),
           "consent_treatment": State(ids.CONSENT_TREATMENT, "value"),
           "consent_data": State(ids.CONSENT_DATA, "value"),
           "consent_email": State(ids.CONSENT_EMAIL, "value"),
           "flags": State({"type": ids.FLAG, "item": ALL}, "value")},
    prevent_initial_call=True,
)
def save_intake(_save, client_id, source, referrer, reason, consent_treatment, consent_data,
                consent_email, flags):
    user = require_user()
    answers = {s["id"].get("item"): s.get("value") for s in ctx.args_grouping["flags"]}
    flag_targets = ctx.outputs_grouping["flag_errors"]
    draft, errors = parse_intake(referral_source=source, referrer_name=referrer, reason=reason,
                                 consent_treatment=consent_treatment,
                                 consent_data=consent_data, answers=answers,
                                 consent_email=consent_email)
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)  # before anything else is answered
        if draft is None:
            return _answer(errors, flag_targets, episode_views.refusal(
                "The intake was not recorded: see the messages above."))
        try:
            episode = record_intake(db, client=client, draft=draft, user_id=user.id,
                                    today=clinic_today())
        except EpisodeError as refused:
            return _answer({}, flag_targets, episode_views.refusal(str(refused)))
        record_audit(db, user_id=user.id, action="intake_recorded", entity="episode",
                     entity_id=episode.id, client_id=client.id, ip=client_ip(),
                     detail={"referral_source": draft.referral_source,
                             "consent_treatment": draft.consent_treatment,
                             "consent_data": draft.consent_data,
                             "consent_email": episode.email_consent,
                             "red_flags_yes": [i.key for i in draft.urgent_yes
                                               + draft.see_doctor_yes]})
        panel = episode_views.flag_panel(episode, draft.answers, "", "")
    if panel:  # an urgent flag: stay here, show the stop message and the referral form
        return _answer({}, flag_targets, dbc.Alert("Intake recorded; the episode is flagged.",
                                                   color="secondary"),
                       panel=panel, form_style={"display": "none"})
    return _answer({}, flag_targets, "", go=f"/clients/{client.id}?view=episode")
