"""Callbacks of episodes of care on the client page (and the intake page, which shows the
same red-flag panel): record the urgent referral, clear the flag, discharge.

Each asks the server who is calling and whether they may see the client first.
"""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from dashboard.auth.access import authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.episodes import (
    EpisodeError,
    clear_flag,
    client_episode,
    discharge,
    episode_points,
    measurable_goals,
    record_referral,
    red_flag_answers,
    user_names,
)
from dashboard.domain.episodes import parse_discharge, parse_note
from dashboard.domain.ids import parse_id
from dashboard.pages.client import episode_views as views
from dashboard.pages.client import ids


def _flag_update(client_id: object, episode_id: object, raw_note: object, *, clearing: bool):
    """(the flag panel redrawn, the message) after recording a referral or a clearing."""
    user = require_user()
    label = "what the urgent assessment found" if clearing else "referral"
    note, problem = parse_note(raw_note, label)
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        try:
            if problem:
                raise EpisodeError(problem)
            change = clear_flag if clearing else record_referral
            episode = change(db, client=client, episode_id=episode_id, note=note,
                             user_id=user.id)
        except EpisodeError as refused:
            return no_update, str(refused)
        record_audit(db, user_id=user.id,
                     action="red_flag_cleared" if clearing else "urgent_referral_recorded",
                     entity="episode", entity_id=episode.id, client_id=client.id,
                     ip=client_ip(), detail={"note": note})
        names = user_names(db, episode.referral_recorded_by_id, episode.flag_cleared_by_id)
        panel = views.flag_panel(episode, red_flag_answers(db, episode.id),
                                 names.get(episode.referral_recorded_by_id or 0, ""),
                                 names.get(episode.flag_cleared_by_id or 0, ""))
    return panel, ""


@callback(
    Output(ids.FLAG_AREA, "children", allow_duplicate=True),
    Output(ids.FLAG_ERROR, "children", allow_duplicate=True),
    Input(ids.REFERRAL_SAVE, "n_clicks"),
    State(ids.REFERRAL_NOTE, "value"),
    State(ids.FLAG_EPISODE, "data"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def save_referral(_n, note, episode_id, client_id):
    return _flag_update(client_id, episode_id, note, clearing=False)


@callback(
    Output(ids.FLAG_AREA, "children", allow_duplicate=True),
    Output(ids.FLAG_ERROR, "children", allow_duplicate=True),
    Input(ids.CLEAR_SAVE, "n_clicks"),
    State(ids.CLEAR_NOTE, "value"),
    State(ids.FLAG_EPISODE, "data"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def save_clearing(_n, note, episode_id, client_id):
    return _flag_update(client_id, episode_id, note, clearing=True)


def _discharge_answer(result, errors: dict[str, str] | None = None, go=no_update) -> dict:
    return {"errors": {key: (errors or {}).get(key, "") for key in ids.DISCHARGE_ERRORS},
            "result": result, "go": go}


@callback(
    output={"errors": {key: Output(error_id, "children")
                       for key, error_id in ids.DISCHARGE_ERRORS.items()},
            "result": Output(ids.DISCHARGE_RESULT, "children"),
            "go": Output(ids.DISCHARGE_GO, "href")},
    inputs={"_save": Input(ids.DISCHARGE_SAVE, "n_clicks")},
    state={"client_id": State(ids.CLIENT_ID, "data"),
           "episode_id": State(ids.DISCHARGE_EPISODE, "data"),
           "reason": State(ids.DISCHARGE_REASON, "value"),
           "ended_on": State(ids.DISCHARGE_DATE, "value"),
           "recommendations": State(ids.DISCHARGE_RECOMMENDATIONS, "value"),
           "goals": State({"type": ids.DISCHARGE_GOAL, "goal": ALL}, "value"),
           "reasons": State({"type": ids.DISCHARGE_GOAL_REASON, "goal": ALL}, "value")},
    prevent_initial_call=True,
)
def save_discharge(_save, client_id, episode_id, reason, ended_on, recommendations, goals,
                   reasons):
    user = require_user()
    goals_met = {s["id"]["goal"]: s.get("value") for s in ctx.args_grouping["goals"]
                 if parse_id(s["id"].get("goal")) is not None}
    goal_reasons = {s["id"]["goal"]: s.get("value") for s in ctx.args_grouping["reasons"]
                    if parse_id(s["id"].get("goal")) is not None}
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        try:
            episode = client_episode(db, client, episode_id)
        except EpisodeError as refused:
            return _discharge_answer(views.refusal(str(refused)))
        points = episode_points(db, episode.id)
        draft, errors = parse_discharge(
            reason=reason, ended_on=ended_on, recommendations=recommendations,
            goals_met=goals_met, started_on=episode.started_on,
            last_session_on=points[-1].session_on if points else None, today=clinic_today(),
            measurable=measurable_goals(db, episode),
            final_pain=points[-1].pain if points else None, goal_reasons=goal_reasons)
        if draft is None:
            goal_problems = " ".join(v for k, v in errors.items() if k.startswith("goal-"))
            return _discharge_answer(views.refusal(
                f"Not discharged: {goal_problems or 'see the messages above.'}"), errors)
        try:
            episode = discharge(db, client=client, episode_id=episode.id, draft=draft,
                                user_id=user.id)
        except EpisodeError as refused:
            return _discharge_answer(views.refusal(str(refused)))
        record_audit(db, user_id=user.id, action="episode_discharged", entity="episode",
                     entity_id=episode.id, client_id=client.id, ip=client_ip(),
                     detail={"reason": draft.reason, "ended_on": draft.ended_on,
                             "goals_met": draft.goals_met,
                             "goals_judged_against_scores": draft.goal_overrides})
    return _discharge_answer("", go=f"/clients/{client.id}?view=episode")
