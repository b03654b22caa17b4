"""The top navigation bar; its links depend on the caller's role."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.auth.access import CurrentUser


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
            html.Span(f"{user.name} · {role}", className="navbar-text text-white me-3",
                      id="navbar-user"),
            # The account pages in one menu, so an admin's bar fits a laptop's width. Full
            # page loads: they (and logout) are plain Flask routes.
            dbc.DropdownMenu([
                dbc.DropdownMenuItem("Password", href="/account/password", external_link=True),
                dbc.DropdownMenuItem("Two-step sign-in", href="/account/security",
                                     external_link=True, id="navbar-security"),
            ], label="Account", color="dark", size="sm", align_end=True,
                toggle_class_name="btn-outline-light border-light", className="me-2",
                id="navbar-account"),
            # Signing out is a POST from this page: a GET from another site cannot do it.
            html.Form(html.Button("Sign out", type="submit", id="navbar-logout",
                                  className="btn btn-outline-light btn-sm"),
                      action="/logout", method="POST", className="m-0"),
        ]
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand("Back Pain Care", href="/"),
            dbc.Nav(links, navbar=True, className="me-auto"),
            html.Div(right, className="d-flex align-items-center"),
        ], fluid=True),
        color="dark", dark=True, className="mb-2 app-navbar", tag="nav",
    )
