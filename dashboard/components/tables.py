"""Client tables shared by the home page and the client list."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.attributes import as_json, data
from dashboard.components.status import episode_badge, pain_with_change, status_badge
from dashboard.db.clients import ClientRow
from dashboard.domain.dates import format_day
from dashboard.domain.people import age_on


def day_text(value: dt.date | None) -> str:
    """A day as lists show it, or a dash for none."""
    return format_day(value) if value else "—"


STACKED = "table-stacked"


def json_cell(tag: str, children: object, **props: object) -> dict[str, object]:
    """A table row or cell (``html.Tr``/``Td``/``Th``) as the JSON Dash sends for it (what
    ``to_plotly_json`` makes), for tables of many rows. The practitioners' outcome table at
    the ten-times clinic (5,000 cells) took 90 ms to build and serialise as component
    objects, a few ms as dicts, the browser drawing the same table; a client's progress
    tables (about 400 cells) were a third of its time."""
    return as_json(getattr(html, tag), children=children, **props)


def json_body(rows: list[dict[str, object]]) -> html.Tbody:
    """A table body of ``json_cell`` rows (Dash takes them as it takes components)."""
    return html.Tbody(cast(Any, rows))


def text_row(header: list[str], values: list[object]) -> dict[str, object]:
    """A row of plain cells, each labelled with its column's name as ``labelled`` does."""
    return json_cell("Tr", [json_cell("Td", value, **(data(label=name) if name else {}))
                            for value, name in zip(values, header, strict=False)])


def labelled(header: list[str], row: html.Tr) -> html.Tr:
    """A row whose cells carry their column's name, so that on a phone, where a stacked
    table shows each row as a block of "name: value" lines (app.css), nothing is cut off."""
    for cell, name in zip(row.children, header, strict=False):
        if name:
            setattr(cell, "data-label", name)
    return row


def header_row(header: list[str], unnamed: str = "Actions") -> html.Thead:
    """Column headers; a column of buttons with no visible title still has a name for
    screen readers (an empty header cell fails WCAG's table-header check)."""
    return html.Thead(html.Tr([
        html.Th(h, scope="col") if h else
        html.Th(html.Span(unnamed, className="visually-hidden"), scope="col")
        for h in header]))


def stacked_table(header: list[str], rows: list[html.Tr] | list[dict[str, object]], *,
                  caption: str | None = None, **table_props) -> dbc.Table:
    """A data table that scrolls inside itself on a narrow screen and, on a phone, shows
    each row stacked: the one way every list of the app fits 390 px without the page
    scrolling sideways. ``rows`` are html.Tr of html.Td, in ``header``'s order, or
    ``text_row``s (labelled already)."""
    class_name = " ".join(x for x in (table_props.pop("className", ""), STACKED) if x)
    head = [html.Caption(caption)] if caption else []
    body = [labelled(header, r) if isinstance(r, html.Tr) else r for r in rows]
    return dbc.Table([*head, header_row(header), html.Tbody(cast(Any, body))],
                     responsive=True, className=class_name, **table_props)


CLIENT_COLUMNS = ("Name", "Age", "Practitioner", "Last session", "Pain (change)", "Status",
                  "Next due")


def _client_cell(column: str, row: ClientRow, today: dt.date) -> object:
    due = row.next_due_on
    match column:
        case "Name":
            return as_json(dcc.Link, children=row.full_name, href=f"/clients/{row.id}")
        case "Age":
            return age_on(row.date_of_birth, today)
        case "Practitioner":
            return row.practitioner_name
        case "Last session":
            return day_text(row.last_session_on)
        case "Pain (change)":
            return pain_with_change(row.latest_pain, row.baseline_pain)
        case "Status":
            return [status_badge(row.status), episode_badge(row.episode_state)]
        case _:  # "Next due"
            return day_text(due) + (" · overdue" if due and due < today else "")


def client_table(rows: list[ClientRow], *, today: dt.date, show_practitioner: bool,
                 table_id: str, columns: tuple[str, ...] = CLIENT_COLUMNS) -> dbc.Table:
    """Clients as a table; ``columns``, a choice from CLIENT_COLUMNS (a half-width table on
    the home page keeps fewer, so each stays readable on a laptop)."""
    header = [c for c in CLIENT_COLUMNS if c in columns
              and (c != "Practitioner" or show_practitioner)]
    body = [text_row(header, [_client_cell(column, row, today) for column in header])
            for row in rows]
    return stacked_table(header, body, hover=True, className="client-table", id=table_id)
