"""Admin: user accounts. Create with a one-time password, change roles, deactivate (ending
open sessions at once), reset passwords. The last active admin stays an active admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from dashboard.auth.access import AccessDenied, require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.auth.passwords import hash_password
from dashboard.components.status import admins_only
from dashboard.components.tables import STACKED, header_row, labelled
from dashboard.context import client_ip, current_db
from dashboard.db.users import (
    active_admin_count,
    clear_totp,
    create_user,
    end_all_login_sessions,
    get_user,
    get_user_by_email,
    list_users,
    set_password_hash,
    set_role_and_active,
)
from dashboard.domain.ids import parse_id
from dashboard.domain.users import account_problem, new_user_problems, temporary_password
from dashboard.pages.ids import admin_users as ids

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import User

dash.register_page(__name__, path="/admin/users", title="Users · Back Pain Care", name="Users")



HEADER = ["Name", "Email", "Role", "State", "Actions", ""]


def _row(user: User, me: int) -> html.Tr:
    uid = user.id
    return labelled(HEADER, html.Tr([
        html.Td([user.name, html.Span(" (you)", className="text-body-secondary")
                 if uid == me else None, html.Br(),
                 dcc.Link(["Profile", html.Span(f" of {user.name}", className="visually-hidden")],
                          href=f"/profile?user={uid}", className="small")]),
        html.Td(user.email),
        html.Td(html.Label([html.Span(f"Role of {user.name}", className="visually-hidden"),
                            dbc.Select(id={"type": ids.ROLE, "user": uid}, value=user.role,
                                       size="sm", options=[
                                           {"label": "Practitioner", "value": "practitioner"},
                                           {"label": "Admin", "value": "admin"}])])),
        html.Td("Active" if user.active else "Deactivated", id={"type": ids.STATE,
                                                                "user": uid}),
        html.Td([
            dbc.Button("Deactivate" if user.active else "Activate",
                       id={"type": ids.TOGGLE, "user": uid}, size="sm", color="secondary",
                       outline=True, className="me-2"),
            dbc.Button("Reset password", id={"type": ids.RESET, "user": uid}, size="sm",
                       color="secondary", outline=True, className="me-2"),
            dbc.Button("Reset two-step sign-in", id={"type": ids.TOTP, "user": uid},
                       size="sm", color="secondary", outline=True,
                       disabled=user.totp_secret is None),
        ], className="text-nowrap"),
        html.Td([html.Div(id={"type": ids.RESULT, "user": uid}, role="status",
                          className="small"),
                 html.Div(id={"type": ids.TOTP_RESULT, "user": uid}, role="status",
                          className="small")]),
    ]))


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    with current_db().read() as db:
        users = list_users(db)
    return html.Div([
        html.H1("Users", className="h3"),
        dbc.Card(dbc.CardBody([
            html.H2("Add a user", className="h5"),
            dbc.Form(id=ids.FORM, children=[dbc.Row([
                dbc.Col([dbc.Label("Email", html_for=ids.EMAIL),
                         dbc.Input(id=ids.EMAIL, type="text", inputMode="email",
                                   maxLength=254),
                         html.Div(id=ids.EMAIL_ERROR, className="field-error")], md=4),
                dbc.Col([dbc.Label("Name", html_for=ids.NAME),
                         dbc.Input(id=ids.NAME, type="text", maxLength=200),
                         html.Div(id=ids.NAME_ERROR, className="field-error")], md=4),
                dbc.Col([dbc.Label("Role", html_for=ids.NEW_ROLE),
                         dbc.Select(id=ids.NEW_ROLE, value="practitioner", options=[
                             {"label": "Practitioner", "value": "practitioner"},
                             {"label": "Admin", "value": "admin"}])], md=2),
                dbc.Col(dbc.Button("Add user", type="submit", color="primary"), md=2,
                        className="d-flex align-items-end"),
            ])]),
            html.Div(id=ids.CREATED, role="status", className="mt-2"),
        ]), className="mb-3"),
        dbc.Table([header_row(HEADER, "Result"),
                   html.Tbody([_row(u, user.id) for u in users], id=ids.ROWS)],
                  size="sm", responsive=True, id=ids.TABLE, className=STACKED),
    ])


@callback(
    Output(ids.EMAIL_ERROR, "children"),
    Output(ids.NAME_ERROR, "children"),
    Output(ids.CREATED, "children"),
    Output(ids.ROWS, "children"),
    Input(ids.FORM, "n_submit"),
    State(ids.EMAIL, "value"),
    State(ids.NAME, "value"),
    State(ids.NEW_ROLE, "value"),
    prevent_initial_call=True,
)
def add_user(_n, email, name, role):
    admin = require_admin()
    errors = new_user_problems(email, name, role)
    if errors:
        role_problem = dbc.Alert(errors["role"], color="danger") if "role" in errors else ""
        return errors.get("email", ""), errors.get("name", ""), role_problem, dash.no_update
    password = temporary_password()
    with current_db().begin() as db:
        if get_user_by_email(db, email):
            return "A user with this email already exists.", "", "", dash.no_update
        user = create_user(db, email=email, name=name, role=role,
                           password_hash=hash_password(password), must_change_password=True)
        record_audit(db, user_id=admin.id, action="user_created", entity="user",
                     entity_id=user.id, ip=client_ip(), detail={"role": role})
        rows = [_row(u, admin.id) for u in list_users(db)]
        who = f"{user.name} ({user.email})"
    message = dbc.Alert([
        html.Span(f"{who} can now sign in with this one-time password: "),
        html.Code(password, id=ids.TEMPORARY),
        html.Span(". Give it to them privately; they must change it at first sign-in. It is "
                  "not shown again."),
    ], color="success")
    return "", "", message, rows


def _target(db, user_id: object) -> User:
    user = get_user(db, parse_id(user_id))
    if user is None:
        raise AccessDenied("no such user")
    return user


@callback(
    Output({"type": ids.RESULT, "user": MATCH}, "children"),
    Output({"type": ids.STATE, "user": MATCH}, "children"),
    Output({"type": ids.TOGGLE, "user": MATCH}, "children"),
    Output({"type": ids.ROLE, "user": MATCH}, "value"),
    Input({"type": ids.ROLE, "user": MATCH}, "value"),
    Input({"type": ids.TOGGLE, "user": MATCH}, "n_clicks"),
    Input({"type": ids.RESET, "user": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
def change_account(role, _toggle, _reset):
    admin = require_admin()
    trigger = ctx.triggered_id
    kind = trigger["type"]
    with current_db().begin() as db:
        user = _target(db, trigger["user"])
        was_active_admin = user.active and user.role == "admin"
        admins = active_admin_count(db)
        state = "Active" if user.active else "Deactivated"
        button = "Deactivate" if user.active else "Activate"
        if kind == ids.RESET:
            password = temporary_password()
            set_password_hash(db, user.id, hash_password(password), must_change=True)
            end_all_login_sessions(db, user.id)
            record_audit(db, user_id=admin.id, action="password_reset", entity="user",
                         entity_id=user.id, ip=client_ip())
            return (html.Span(["One-time password: ", html.Code(password),
                               " (signed out everywhere; must be changed at sign-in)."]),
                    state, button, user.role)
        new_role = role if kind == ids.ROLE else user.role
        new_active = (not user.active) if kind == ids.TOGGLE else user.active
        problem = account_problem(is_active_admin=was_active_admin, new_role=new_role,
                                  new_active=new_active, active_admins=admins)
        if problem:
            return html.Span(problem, className="field-error"), state, button, user.role
        if new_role == user.role and new_active == user.active:
            return "", state, button, user.role
        changed = {"role": [user.role, new_role], "active": [user.active, new_active]}
        set_role_and_active(db, user=user, role=new_role, active=new_active)
        # Deactivation or a new role ends every open session at once (logins carry the role).
        end_all_login_sessions(db, user.id)
        record_audit(db, user_id=admin.id, action="user_updated", entity="user",
                     entity_id=user.id, ip=client_ip(), detail=changed)
        state = "Active" if user.active else "Deactivated"
        button = "Deactivate" if user.active else "Activate"
        return "Saved.", state, button, user.role


@callback(
    Output({"type": ids.TOTP_RESULT, "user": MATCH}, "children"),
    Input({"type": ids.TOTP, "user": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
def reset_second_factor(_n):
    """For a lost phone: the user's second factor is removed and their sessions end; an
    admin is asked to set it up again at their next sign-in."""
    admin = require_admin()
    with current_db().begin() as db:
        user = _target(db, ctx.triggered_id["user"])
        if user.totp_secret is None:
            return "Two-step sign-in is not set up."
        clear_totp(db, user.id)
        end_all_login_sessions(db, user.id)
        record_audit(db, user_id=admin.id, action="totp_reset", entity="user",
                     entity_id=user.id, ip=client_ip())
    return "Two-step sign-in reset; signed out everywhere."
