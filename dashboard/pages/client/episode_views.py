"""Layout pieces of episodes of care: the red-flag stop message and its referral form,
the episode card on the client page, the discharge form and the list of episodes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.components.forms import day_input, field
from dashboard.components.status import status_badge
from dashboard.components.tables import stacked_table
from dashboard.context import current_settings
from dashboard.db.episodes import EpisodeInfo
from dashboard.domain.dates import format_day, format_day_time
from dashboard.domain.episodes import (
    ANSWERS,
    DISCHARGE_REASONS,
    EPISODE_STATE_LABELS,
    RED_FLAG_ITEMS,
    REFERRAL_SOURCES,
    SEE_DOCTOR,
    URGENT,
    urgent_flag_open,
)
from dashboard.pages.client import ids

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import Episode, Goal



def _when(at: dt.datetime | None) -> str:
    """A moment in the clinic's time zone (stored in UTC)."""
    return f"{format_day_time(at.astimezone(current_settings().tz))}" if at else ""


def stop_message(urgent_questions: list[str]) -> dbc.Alert:
    """The urgent-care stop: treatment waits; refer now and record the referral."""
    return dbc.Alert([
        html.H2("Stop: refer for urgent care now", className="h5 alert-heading"),
        html.P("The client answered yes to an urgent-care red flag. Do not start treatment: "
               "send them to an emergency department today, then record the referral "
               "below."),
        html.Ul([html.Li(q) for q in urgent_questions]),
    ], color="danger", id=ids.RED_FLAG_STOP, className="mb-3")


def _note_field(label: str, control_id: str) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id),
                    dbc.Textarea(id=control_id, rows=2, maxLength=2000)], className="mb-2")


def flag_feedback() -> html.Div:
    return html.Div(id=ids.FLAG_ERROR, className="field-error mt-1", role="status")


def flag_panel(episode: Episode, answers: dict[str, str], recorded_by: str, cleared_by: str
               ) -> list:
    """An urgent flag's state: the referral form until it is recorded, then the clearing
    form until a practitioner closes the flag. The children of ``ids.FLAG_AREA``."""
    if not episode.urgent_flag:
        return []
    if episode.flag_cleared_at is not None:
        return [dbc.Alert(
            f"Urgent red flag cleared {_when(episode.flag_cleared_at)} by {cleared_by}: "
            f"{episode.flag_cleared_note}", color="secondary", className="small",
            id=ids.RED_FLAG_CLEARED)]
    urgent = [i.question for i in RED_FLAG_ITEMS
              if i.level == URGENT and answers.get(i.key) == "yes"]
    if episode.referral_recorded_at is None:
        return [
            dcc.Store(id=ids.FLAG_EPISODE, data=episode.id),
            stop_message(urgent),
            _note_field("Record the urgent referral (where, to whom, when)", ids.REFERRAL_NOTE),
            dbc.Button("Record referral", id=ids.REFERRAL_SAVE, color="danger"),
        ]
    return [
        dcc.Store(id=ids.FLAG_EPISODE, data=episode.id),
        dbc.Alert([html.Strong("Urgent red flag open: "),
                   "treatment waits until the client has been seen for urgent care. ",
                   f"Referral recorded {_when(episode.referral_recorded_at)} by "
                   f"{recorded_by}: {episode.referral_note}"],
                  color="danger", id=ids.RED_FLAG_REFERRED),
        _note_field("Once the client has been seen and may go on, clear the flag (what the "
                    "urgent assessment found)", ids.CLEAR_NOTE),
        dbc.Button("Clear the red flag", id=ids.CLEAR_SAVE, color="secondary", outline=True),
    ]


def plan_warning(episode: Episode | None) -> dbc.Alert | None:
    if episode is None or not urgent_flag_open(
            ended_on=episode.ended_on, urgent_flag=episode.urgent_flag,
            flag_cleared=episode.flag_cleared_at is not None):
        return None
    return dbc.Alert("Urgent red flag open: the client needs urgent care before any home "
                     "plan. See the Episode view. Saving a plan or giving a handout now "
                     "needs your reason, recorded with your name.", color="danger",
                     id=ids.PLAN_RED_FLAG)


def intake_summary(episode: Episode, answers: dict[str, str], names: dict[int, str]
                   ) -> Component:
    if episode.intake_recorded_at is None:
        return html.P("No intake was recorded for this episode.", className="text-muted")
    yes = [i for i in RED_FLAG_ITEMS if answers.get(i.key) == "yes"]
    not_asked = [i for i in RED_FLAG_ITEMS if answers.get(i.key) == "not_asked"]
    rows = [
        ("Referred by", REFERRAL_SOURCES[episode.referral_source]
         + (f": {episode.referrer_name}" if episode.referrer_name else "")),
        ("Reason", episode.reason),
        ("Consent to treatment", "Given" if episode.consent_treatment else "Not given"),
        ("Consent to data use", "Given" if episode.consent_data else "Not given"),
        ("Consent recorded", f"{_when(episode.consent_recorded_at)} by "
                             f"{names.get(episode.consent_recorded_by_id or 0, '')}"),
        ("Red flags answered yes", ", ".join(
            f"{i.question} ({'urgent' if i.level == URGENT else 'see a doctor soon'})"
            for i in yes) or "None"),
        ("Not asked", ", ".join(i.question for i in not_asked) or "None"),
    ]
    return html.Dl([part for label, value in rows
                    for part in (html.Dt(label, className="col-sm-3"),
                                 html.Dd(value, className="col-sm-9"))], className="row mb-0")


def see_doctor_note(episode: Episode, answers: dict[str, str]) -> dbc.Alert | None:
    soon = [i.question for i in RED_FLAG_ITEMS
            if i.level == SEE_DOCTOR and answers.get(i.key) == "yes"]
    if not soon or episode.ended_on is not None:
        return None
    return dbc.Alert(["Advise the client to see a doctor soon: ", "; ".join(soon)],
                     color="warning", className="small")


def discharge_form(episode: Episode, goals: list[tuple[Goal, bool | None]], today: dt.date
                   ) -> html.Div:
    goal_rows = []
    for g, met in goals:
        goal_rows.append(dbc.Checkbox(id={"type": ids.DISCHARGE_GOAL, "goal": g.id},
                                      value=bool(met), label=f"Met: {g.description}"))
        if g.pain_target is not None:  # judged from the scores; overriding needs a reason
            goal_rows.append(html.Label([
                html.Span("Only to judge this goal against the scores: why",
                          className="d-block"),
                dbc.Input(id={"type": ids.DISCHARGE_GOAL_REASON, "goal": g.id}, maxLength=2000,
                          size="sm")], className="form-label w-100 ms-4 mb-2 small"))
    return html.Div([
        dcc.Store(id=ids.DISCHARGE_EPISODE, data=episode.id),
        dcc.Location(id=ids.DISCHARGE_GO, refresh=True),
        html.H3("Discharge", className="h6 mt-3"),
        dbc.Row([
            field("Reason", dbc.Select(id=ids.DISCHARGE_REASON, placeholder="Choose a reason",
                                       options=[{"label": label, "value": key}
                                                for key, label in DISCHARGE_REASONS.items()]),
                error_id=ids.DISCHARGE_ERRORS["reason"], width=6),
            field("Discharge date", day_input(ids.DISCHARGE_DATE, today),
                error_id=ids.DISCHARGE_ERRORS["ended_on"], width=6),
        ]),
        html.Fieldset([html.Legend("Goals of the final plan", className="form-label fs-6"),
                       *goal_rows], className="mb-3") if goal_rows else None,
        field("Recommendations (printed on both summaries)",
              dbc.Textarea(id=ids.DISCHARGE_RECOMMENDATIONS, rows=3, maxLength=2000),
              error_id=ids.DISCHARGE_ERRORS["recommendations"]),
        dbc.Button("Discharge and make the summary", id=ids.DISCHARGE_SAVE, color="primary"),
        html.Div(id=ids.DISCHARGE_RESULT, className="mt-2", role="status"),
    ], className="border rounded p-3 no-print")


def summary_links(client_id: int, episode_id: int) -> html.Span:
    base = f"/clients/{client_id}/episodes/{episode_id}/summary.pdf"
    return html.Span([
        html.A("Summary for the client (PDF)", href=f"{base}?for=client",
               className="me-3", id=f"{ids.SUMMARY_CLIENT}-{episode_id}"),
        html.A("Summary for the referrer (PDF)", href=f"{base}?for=referrer",
               id=f"{ids.SUMMARY_REFERRER}-{episode_id}"),
    ])


def episode_list(client_id: int, episodes: list[EpisodeInfo]) -> Component:
    if not episodes:
        return html.P("No episodes of care yet.")
    rows = []
    for e in episodes:
        pain = ("—" if e.baseline_pain is None else
                f"{e.baseline_pain} → {e.latest_pain}")
        rows.append(html.Tr([
            html.Td(f"#{e.number}"),
            html.Td(f"{format_day(e.started_on)} – "
                    + (f"{format_day(e.ended_on)}" if e.ended_on else "now")),
            html.Td(EPISODE_STATE_LABELS[e.state]
                    + (f" ({DISCHARGE_REASONS[e.discharge_reason]})"
                       if e.discharge_reason else "")),
            html.Td(e.sessions), html.Td(pain),
            html.Td(status_badge(e.outcome) if e.outcome else "—"),
            html.Td(summary_links(client_id, e.id) if e.ended_on else ""),
        ]))
    return stacked_table(["Episode", "Dates", "State", "Sessions", "Pain", "Outcome",
                          "Summaries"], rows, size="sm", className="align-middle")


def answers_labels() -> list[dict[str, str]]:
    return [{"label": label, "value": key} for key, label in ANSWERS.items()]



def refusal(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", className="mb-0")
