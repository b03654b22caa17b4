"""Callbacks of the client page's plan view: draw the builder, apply a template, save a new
version, and show an earlier version.

Each callback checks on the server that the caller may see the client; part and version
ids from the browser are only used to look up what belongs to that client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.dose_fields import doses_typed
from dashboard.context import (
    client_ip,
    clinic_today,
    current_db,
    lay_out_handout_ahead,
)
from dashboard.db.catalogue import active_parts, list_strategies, template_choices, template_doses
from dashboard.db.plans import (
    current_version,
    get_version,
    plan_history,
    save_plan_version,
    snapshot_of,
    version_info,
)
from dashboard.db.summary import (
    RedFlagOpen,
    current_episode,
    red_flag_override,
    refresh_client_summary,
)
from dashboard.domain.dose import Dose, describe_dose
from dashboard.domain.ids import parse_id
from dashboard.domain.plans import build_draft, diff_plans, parse_goals
from dashboard.pages.client import ids, plan_views

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import Client

TEMPLATE_FIELDS = ("include", "doses", "review")  # what applying a template fills in


@callback(
    output={name: Output(ids.PLAN_FIELDS[name], "value") for name in TEMPLATE_FIELDS}
    | {"result": Output(ids.TEMPLATE_RESULT, "children")},
    inputs={"_apply": Input(ids.APPLY_TEMPLATE, "n_clicks")},
    state={"template_id": State(ids.TEMPLATE, "value"),
           "client_id": State(ids.CLIENT_ID, "data")},
    prevent_initial_call=True,
)
def apply_template(_apply, template_id, client_id):
    user = require_user()
    targets = ctx.outputs_grouping
    with current_db().read() as db:
        authorize_client(db, user, client_id)
        template = template_doses(db, template_id=template_id)
    if template is None:
        return {"include": [no_update] * len(targets["include"]),
                "doses": [no_update] * len(targets["doses"]), "review": no_update,
                "result": "Choose a template first."}
    doses, defaults = template.doses, template.defaults
    return {
        "include": [o["id"]["part"] in doses for o in targets["include"]],
        "doses": [getattr(doses.get(o["id"]["part"]) or defaults.get(o["id"]["part"]),
                          o["id"]["field"], None) for o in targets["doses"]],
        "review": template.review_interval_days,
        "result": plan_views.template_status(template.name),
    }


def _by_part(components: list[dict]) -> dict[int, object]:
    """Each part's reason to go past its ceiling as typed, by part id."""
    return {s["id"]["part"]: s.get("value") for s in components}


def _open_episode(db, client):
    episode = current_episode(db, client.id)
    if episode is None or episode.ended_on is not None:
        raise AccessDenied("no open episode")
    return episode


def _record_version(db, user, client, episode, draft, changes, today, override):
    """Save the draft as the next version, audited; the version. A save while an urgent red
    flag is open, and each dose past its part's ceiling, are audited apart with their
    reasons (issue 17, items 8 and 9)."""
    version = save_plan_version(db, episode_id=episode.id, draft=draft, user_id=user.id,
                                today=today, red_flag_reason=override)
    refresh_client_summary(db, client, questionnaires=False)  # a plan scores nothing
    past = [{"part": i.part_name, "dose": describe_dose(Dose.from_columns(i)),
             "max_minutes": i.max_minutes, "reason": i.over_ceiling_reason}
            for i in version.items if i.over_ceiling_reason]
    audit = dict(user_id=user.id, entity="plan_version", entity_id=version.id,
                 client_id=client.id, ip=client_ip())
    record_audit(db, action="plan_saved", **audit,
                 detail={"version": version.version, "changes": changes})
    if version.red_flag_override:
        record_audit(db, action="red_flag_overridden", **audit, detail={
            "for": "plan_saved", "version": version.version,
            "reason": version.red_flag_override})
    if past:
        record_audit(db, action="dose_over_ceiling", **audit,
                     detail={"version": version.version, "parts": past})
    return version


def _override(db, episode, raw: object, errors: dict[str, str]) -> str:
    """The reason to save while an urgent red flag is open ('' when none is); without one,
    a message beside its box."""
    try:
        return red_flag_override(db, episode, raw, "plan_saved")
    except RedFlagOpen as exc:
        errors["red_flag"] = str(exc)
        return ""


def _history_after(db, user, episode_id: int, version, previous) -> tuple[object, object]:
    """The plan history and heading after a save: as they are when nothing was saved; with
    the new ``version``'s one row on top when one was, drawn from the versions in hand (it,
    and ``previous``, the one it was made from) unless a colleague's version came between
    them: then the two newest are read."""
    if version is None:
        return no_update, no_update
    if version.version == (previous.version if previous else 0) + 1:
        newest, before = version_info(version, user.name), previous and snapshot_of(previous)
    else:
        newest, *rest = plan_history(db, episode_id, 2)
        before = rest[0].snapshot if rest else None
    return plan_views.history_insert(newest, before), plan_views.heading(newest)


def _result(errors: dict[str, str], number: int | None) -> dbc.Alert:
    if errors:
        return dbc.Alert("The plan was not saved: see the messages above.", color="danger",
                         className="mb-0")
    if number is None:
        return dbc.Alert("Nothing has changed since the last version.", color="info",
                         className="mb-0")
    return dbc.Alert(f"Saved as version {number}.", color="success", className="mb-0")


@callback(
    output={"errors": {key: Output(error_id, "children")
                       for key, error_id in ids.PLAN_ERRORS.items()},
            "part_errors": Output({"type": ids.PART_ERROR, "part": ALL}, "children"),
            "result": Output(ids.SAVE_RESULT, "children"),
            "history": Output(ids.HISTORY, "children"),
            "heading": Output(ids.HEADING, "children")},
    inputs={"clicks": Input(ids.SAVE, "n_clicks")},
    state={"client_id": State(ids.CLIENT_ID, "data"),
           "form": {name: State(component, "value")
                    for name, component in ids.PLAN_FIELDS.items()}},
    prevent_initial_call=True,
)
def save_plan(clicks, client_id, form):
    if not clicks:
        # The builder was just drawn (Dash calls a callback whose input appears on the page):
        # nothing was saved, so nothing is said (issue 19, item 2).
        raise PreventUpdate
    user = require_user()
    today = clinic_today()
    components = ctx.args_grouping["form"]
    included = [s["id"]["part"] for s in components["include"] if s.get("value")]
    goals, goal_errors = parse_goals(form["pain_target"], form["pain_date"], form["activity"],
                                     form["activity_date"])
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        episode = _open_episode(db, client)
        previous = current_version(db, episode.id)
        draft, errors = build_draft(
            active_parts(db), included, doses_typed(components["doses"]), review=form["review"],
            notes=form["notes"], goals=goals, today=today,
            carried_goals=snapshot_of(previous).goals if previous else (),
            raw_reasons=_by_part(components["reasons"]))
        errors = {**errors, **goal_errors}
        override = _override(db, episode, form["red_flag_reason"], errors)
        changes = [] if errors else diff_plans(snapshot_of(previous) if previous else None,
                                               draft)
        saved = (_record_version(db, user, client, episode, draft, changes, today, override)
                 if not errors and (previous is None or changes) else None)
        history, heading = _history_after(db, user, episode.id, saved, previous)
        number = saved.version if saved else None
    if number is not None:
        lay_out_handout_ahead(client.id)
    return {
        "errors": {key: errors.get(key, "") for key in ids.PLAN_ERRORS},
        "part_errors": [" ".join(v for k, v in sorted(errors.items())
                                 if k.startswith(f"dose-{o['id']['part']}-"))
                        for o in ctx.outputs_grouping["part_errors"]],
        "result": _result(errors, number), "history": history, "heading": heading,
    }


@callback(
    Output(ids.VERSION_MODAL, "is_open"),
    Output(ids.VERSION_TITLE, "children"),
    Output(ids.VERSION_BODY, "children"),
    Input({"type": ids.VIEW, "version": ALL}, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def view_version(clicks, client_id):
    if not any(clicks):  # the history was redrawn; nothing was clicked
        return no_update, no_update, no_update
    user = require_user()
    number = ctx.triggered_id["version"]
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        episode = current_episode(db, client.id)
        found = plan_history(db, episode.id, version=number) \
            if episode and parse_id(number) else []
        if not found:
            return True, "Version not found", ""
        version = get_version(db, episode.id, number)
        wording = {i.part_id: (i.instructions, i.cautions) for i in version.items}
        info = found[0]
    # Giving a handout is a write: a POST from this page, never a link (a GET). While an
    # urgent red flag is open it carries the practitioner's reason (the route refuses it
    # without one).
    reason = html.Label(["An urgent red flag is open: your reason to give it anyway",
                         html.Textarea(name="red_flag_override", required=True, rows=2,
                                       maxLength=1000, className="form-control")],
                        className="form-label w-100 small text-danger") \
        if client.episode_state == "flagged" else None
    handout = html.Form([reason, html.Button(f"Handout of version {number} (PDF)",
                                             type="submit", className="btn btn-link p-0")],
                        action=f"/clients/{client.id}/handout.pdf?version={number}",
                        method="POST")
    return (True, f"Plan version {number} (read-only)",
            html.Div([plan_views.read_only(info, wording), handout]))


def plan_area(db, client: Client, episode, current) -> html.Div | html.P:
    """The builder, or why the plan cannot change: drawn by the page itself when it opens on
    the Plan view, else by ``show_plan_builder`` when the view first opens. ``episode``: the
    client's current one; ``current``: its latest plan version (both None when there is
    none), as each caller has read them."""
    if episode is None or episode.ended_on is not None:
        return html.P("This client has no open episode of care, so the plan cannot "
                      "change.", className="alert alert-secondary")
    return plan_views.builder(list_strategies(db), template_choices(db),
                              snapshot_of(current) if current else None, clinic_today(),
                              flag_open=client.episode_state == "flagged")


# Not called as the page loads (the page draws what its first view needs): a request and a
# second render of the page at load were most of the client page's blocking time (issue 19).
@callback(
    Output(ids.PLAN_AREA, "children"),
    Output(ids.PLAN_DRAWN, "data"),
    Input(ids.TABS, "value"),
    State(ids.PLAN_DRAWN, "data"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def show_plan_builder(view, drawn, client_id):
    """Drawn once, when the Plan view first opens: switching views keeps what was typed."""
    user = require_user()
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)  # before anything, whatever the view
        if view != "plan" or drawn is True:
            return no_update, no_update
        episode = current_episode(db, client.id)
        current = current_version(db, episode.id) if episode else None
        return plan_area(db, client, episode, current), True
