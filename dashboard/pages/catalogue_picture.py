"""The catalogue editor's picture: show a part's picture and replace it with the clinic's
own (a PNG or JPEG up to 2 MB, decoded and written again; see domain/pictures.py).

Apart from the part's wording form, so a picture is saved on its own and a refused file
leaves the wording and the database alone. Admins only, checked on the server; audited.
"""

from __future__ import annotations

import base64
import binascii

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.development.base_component import Component

from dashboard.auth.access import require_admin
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db
from dashboard.db.pictures import part_picture, set_part_picture
from dashboard.domain.ids import parse_id
from dashboard.domain.pictures import (
    MAX_UPLOAD_BYTES,
    PictureRefused,
    check_alt,
    clean_upload,
    picture_ref,
)
from dashboard.pages.ids import admin_catalogue as ids

# The browser refuses files this large before sending them (no message, no request); the
# server says plainly why anything between this and 2 MB is refused.
BROWSER_LIMIT = 4 * MAX_UPLOAD_BYTES


def picture_section() -> html.Section:
    return html.Section([
        html.H2("Picture", className="h5 mt-4"),
        html.P("A picture of the part for the plan builder, the handout and the client's own "
               "page: a PNG or JPEG of at most 2 MB. It is checked and saved again without "
               "its metadata (camera, place, time) and scaled to fit 1200 pixels. Plans "
               "already given keep the picture they were given with.",
               className="small text-body-secondary"),
        html.Div(id=ids.PICTURE_CURRENT, className="mb-2"),
        html.Label([html.Span("New picture (PNG or JPEG, up to 2 MB)",
                              className="d-block mb-1"),
                    dcc.Upload(id=ids.PICTURE_UPLOAD, accept="image/png,image/jpeg",
                               max_size=BROWSER_LIMIT,
                               children=html.Div("Drop a picture here or choose a file"),
                               className="border border-2 border-secondary-subtle rounded "
                                         "p-3 text-center")], className="w-100"),
        html.Div(id=ids.PICTURE_FILE, className="small mt-1"),
        html.Div(id=ids.PICTURE_UPLOAD_ERROR, className="field-error", role="status"),
        dbc.Label("Describe the picture in words", html_for=ids.PICTURE_ALT, className="mt-2"),
        dbc.Textarea(id=ids.PICTURE_ALT, rows=3, maxLength=1000),
        html.Div(id=ids.PICTURE_ALT_ERROR, className="field-error", role="status"),
        dbc.Button("Use this picture", id=ids.PICTURE_SAVE, color="primary", className="mt-2"),
        html.Div(id=ids.PICTURE_RESULT, role="status", className="mt-2"),
    ], id=ids.PICTURE_SECTION, style={"maxWidth": "60rem"})


def _current(sha256: str | None, alt: str) -> Component:
    ref = picture_ref(sha256, alt)
    if ref is None:
        return html.P("This part has no picture.", className="small text-body-secondary")
    return html.Img(src=ref.url, alt=ref.alt, className="part-thumbnail")


@callback(
    Output(ids.PICTURE_CURRENT, "children"),
    Output(ids.PICTURE_ALT, "value"),
    Output(ids.PICTURE_UPLOAD_ERROR, "children", allow_duplicate=True),
    Output(ids.PICTURE_ALT_ERROR, "children", allow_duplicate=True),
    Output(ids.PICTURE_RESULT, "children", allow_duplicate=True),
    Input(ids.PART, "value"),
    prevent_initial_call=True,
)
def show_picture(choice):
    require_admin()
    part_id = parse_id(choice)
    if part_id is None:
        return "", "", "", "", ""
    with current_db().read() as db:
        found = part_picture(db, part_id)
    if found is None:
        return "", "", "", "", ""
    return _current(*found), found[1], "", "", ""


@callback(
    Output(ids.PICTURE_FILE, "children"),
    Input(ids.PICTURE_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def show_file_name(filename):
    require_admin()
    return f"Chosen: {filename}" if isinstance(filename, str) else ""


def _decode(contents: object) -> bytes | None:
    """The bytes of a dcc.Upload data URL (its declared type is ignored: the bytes decide)."""
    if not isinstance(contents, str) or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


@callback(
    Output(ids.PICTURE_UPLOAD_ERROR, "children"),
    Output(ids.PICTURE_ALT_ERROR, "children"),
    Output(ids.PICTURE_RESULT, "children"),
    Output(ids.PICTURE_CURRENT, "children", allow_duplicate=True),
    Input(ids.PICTURE_SAVE, "n_clicks"),
    State(ids.PART, "value"),
    State(ids.PICTURE_UPLOAD, "contents"),
    State(ids.PICTURE_ALT, "value"),
    prevent_initial_call=True,
)
def save_picture(_clicks, choice, contents, alt):
    admin = require_admin()
    part_id = parse_id(choice)
    if part_id is None:
        return "", "", dbc.Alert("Choose a part first.", color="danger"), no_update
    alt_text, alt_error = check_alt(alt)
    upload_error = ""
    picture = None
    data = _decode(contents)
    if data is None:
        upload_error = "Choose a PNG or JPEG file to upload."
    else:
        try:
            picture = clean_upload(data)
        except PictureRefused as exc:
            upload_error = str(exc)
    if picture is None or alt_error:
        return upload_error, alt_error, dbc.Alert("Not saved: see the messages.",
                                                  color="danger"), no_update
    with current_db().begin() as db:
        part = set_part_picture(db, part_id=part_id, picture=picture, alt=alt_text,
                                user_id=admin.id)
        if part is None:
            return "", "", dbc.Alert("No such part.", color="danger"), no_update
        record_audit(db, user_id=admin.id, action="catalogue_picture_set",
                     entity="strategy_part", entity_id=part.id, ip=client_ip(),
                     detail={"sha256": part.picture_sha256, "media_type": picture.media_type,
                             "width": picture.width, "height": picture.height,
                             "bytes": len(picture.data), "uploaded_bytes": len(data),
                             "revision": part.revision})
        sha = part.picture_sha256
    return "", "", dbc.Alert(f"Picture saved ({picture.width} × {picture.height}, "
                             f"{picture.media_type}).", color="success"), _current(sha, alt_text)
