"""Shown for any path no page claims."""

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", title="Not found · Back Pain Care")

layout = html.Div([
    html.H1("Page not found", className="h3"),
    html.P("There is nothing at this address."),
    dcc.Link("Back to home", href="/"),
])
