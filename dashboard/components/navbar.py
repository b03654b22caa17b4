"""The top navigation bar; its links depend on the caller's role."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, clientside_callback, html

from dashboard.auth.access import CurrentUser
from dashboard.components import ids
from dashboard.components.attributes import aria


def navbar(user: CurrentUser | None) -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink("Home", href="/")),
             dbc.NavItem(dbc.NavLink("Clients", href="/clients"))]
    if user is not None:
        label = "Overview" if user.is_admin else "My caseload"
        links.append(dbc.NavItem(dbc.NavLink(label, href="/overview")))
        if user.is_admin:
            links.append(dbc.NavItem(dbc.NavLink("Users", href="/admin/users")))
            links.append(dbc.NavItem(dbc.NavLink("Clinic", href="/admin/clinic")))
            links.append(dbc.NavItem(dbc.NavLink("Catalogue", href="/admin/catalogue")))
            links.append(dbc.NavItem(dbc.NavLink("Templates", href="/admin/templates")))
            links.append(dbc.NavItem(dbc.NavLink("Data", href="/admin/data")))
            links.append(dbc.NavItem(dbc.NavLink("Audit log", href="/admin/audit")))
            # Records past retention, with the break-glass openings one link away.
            links.append(dbc.NavItem(dbc.NavLink("Privacy", href="/admin/retention")))
        else:
            links.append(dbc.NavItem(dbc.NavLink("Cover a colleague", href="/cover")))
    right = []
    if user is not None:
        role = "Admin" if user.is_admin else "Practitioner"
        right = [
            html.Span(f"{user.name} · {role}", className="navbar-text text-white me-1",
                      id=ids.NAVBAR_USER),
            # The account pages in one menu, so an admin's bar fits a laptop's width. Full
            # page loads: they (and logout) are plain Flask routes.
            dbc.DropdownMenu([
                dbc.DropdownMenuItem("Profile", href="/profile", id=ids.NAVBAR_PROFILE),
                dbc.DropdownMenuItem("Password", href="/account/password", external_link=True),
                dbc.DropdownMenuItem("Two-step sign-in", href="/account/security",
                                     external_link=True, id=ids.NAVBAR_SECURITY),
            ], label="Account", color="dark", size="sm", align_end=True,
                toggle_class_name="btn-outline-light border-light",
                id=ids.NAVBAR_ACCOUNT),
            # Signing out is a POST from this page: a GET from another site cannot do it.
            html.Form(html.Button("Sign out", type="submit", id=ids.NAVBAR_LOGOUT,
                                  className="btn btn-outline-light btn-sm text-nowrap"),
                      action="/logout", method="POST", className="m-0"),
        ]
    # Below the width where every link fits on one line (an admin has more links), the
    # links fold into a menu button, so a phone or tablet never scrolls sideways.
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand("Back Pain Care", href="/"),
            html.Button(html.Span(className="navbar-toggler-icon"), id=ids.NAVBAR_TOGGLER,
                        type="button", className="navbar-toggler",
                        **aria(label="Menu", controls=ids.NAVBAR_MENU, expanded="false")),
            dbc.Collapse([
                dbc.Nav(links, navbar=True, className="me-auto"),
                html.Div(right, className="d-flex flex-wrap align-items-center gap-2 py-1"),
            ], id=ids.NAVBAR_MENU, navbar=True, is_open=False),
        ], fluid=True),
        color="dark", dark=True, className="mb-2 app-navbar", tag="nav",
        expand="xl" if user is not None and user.is_admin else "lg",
    )


# Opening and closing the menu happens in the browser: nothing to ask the server.
clientside_callback(
    """function (n, open) { const now = n ? !open : open; return [now, String(now)]; }""",
    Output(ids.NAVBAR_MENU, "is_open"),
    Output(ids.NAVBAR_TOGGLER, "aria-expanded"),
    Input(ids.NAVBAR_TOGGLER, "n_clicks"),
    State(ids.NAVBAR_MENU, "is_open"),
    prevent_initial_call=True,
)
