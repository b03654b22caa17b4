"""Issue 18, items 6 and 7: one parser for every id and number from the browser (routes
and callbacks alike), and download filenames that any name survives (RFC 6266/5987)."""

from urllib.parse import unquote

import pytest
from sqlalchemy import func, select, update

from dashboard.context import content_disposition
from dashboard.db.models import Client, HandoutRecord
from dashboard.domain.ids import ID_MAX, parse_id, parse_int
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_audit as audit_ids
from dashboard.pages.ids import admin_break_glass as bg_ids
from dashboard.pages.ids import admin_catalogue as cat_ids
from dashboard.pages.ids import admin_clinic as clinic_ids
from dashboard.pages.ids import admin_templates as tpl_ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import overview as overview_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE

HUGE = "9223372036854775808"  # 2**63: past SQLite's 64-bit integers


@pytest.mark.parametrize(("raw", "expected"), [
    (1, 1), ("17", 17), (ID_MAX, ID_MAX), (str(ID_MAX), ID_MAX),
    (0, None), (-1, None), ("-1", None), (ID_MAX + 1, None), (HUGE, None), (2**64, None),
    ("1" * 5000, None), ("١", None), ("²", None), ("1.0", None), (1.0, None), (True, None),
    (" 1", None), ("1\n", None), ("", None), (None, None), ([1], None), ({"id": 1}, None),
])
def test_one_parser_for_ids(raw, expected):
    assert parse_id(raw) == expected


def test_numbers_typed_in_a_form_may_have_spaces_but_stay_in_range():
    assert parse_int(" 7 ", low=1, high=100, strip=True) == 7
    assert parse_int("٧", low=1, high=100, strip=True) is None
    assert parse_int("101", low=1, high=100, strip=True) is None


def test_routes_answer_404_to_ids_the_app_never_sends(http, db, planned):
    login(http, ALICE)
    paths = [f"/clients/{HUGE}/handout.html", f"/clients/{HUGE}/fhir.json",
             f"/clients/{planned}/handouts/{HUGE}.pdf", f"/clients/{HUGE}/handouts/1.pdf",
             f"/clients/{planned}/episodes/{HUGE}/summary.pdf",
             f"/clients/{planned}/handout.html?version={HUGE}",
             f"/clients/{planned}/handout.html?version=%C2%B2",  # "²"
             f"/clients/{ID_MAX + 1}/fhir.json", "/clients/0/fhir.json"]
    for path in paths:
        assert http.get(path).status_code == 404, path
    assert http.post(f"/clients/{HUGE}/handout.pdf").status_code == 404
    # Arabic-Indic one: not an id at all, so no route of a client matches (not client 1).
    assert http.get("/clients/%D9%A1/fhir.json").mimetype != "application/fhir+json"
    assert http.post(f"/clients/{planned}/handout.pdf?version={HUGE}").status_code == 404


FORGED_NUMBERS = [HUGE, "١٢", "²", 2**64, -(2**64), "1" * 5000, 1.5, True, {"a": 1}]


@pytest.mark.parametrize("forged", FORGED_NUMBERS, ids=repr)
def test_admin_callbacks_refuse_forged_numbers_without_a_server_error(
        http, db, sqlite_people, forged):
    login(http, ADMIN)
    calls = [
        (audit_ids.TABLE, {f"{audit_ids.USER}.value": forged, f"{audit_ids.CLIENT}.value": forged,
                           f"{audit_ids.ACTION}.value": "any",
                           f"{audit_ids.PAGES}.active_page": forged}),
        (audit_ids.FILE, {f"{audit_ids.EXPORT}.n_clicks": 1, f"{audit_ids.USER}.value": forged,
                          f"{audit_ids.CLIENT}.value": forged, f"{audit_ids.ACTION}.value": "any"}),
        (clinic_ids.RETENTION_YEARS_ERROR, {f"{clinic_ids.RETENTION_FORM}.n_submit": 1,
                                            f"{clinic_ids.RETENTION_YEARS}.value": forged}),
        (f"{cat_ids.NAME}.value", {f"{cat_ids.PART}.value": forged}),
        (cat_ids.NAME_ERROR, {f"{cat_ids.FORM}.n_submit": 1, f"{cat_ids.PART}.value": forged,
                              f"{cat_ids.KIND}.value": "advice", f"{cat_ids.NAME}.value": "A part",
                              f"{cat_ids.INSTRUCTIONS}.value": "Do it."}),
        (f"{tpl_ids.NAME}.value", {f"{tpl_ids.CHOICE}.value": forged}),
        (tpl_ids.NAME_ERROR, {f"{tpl_ids.FORM}.n_submit": 1, f"{tpl_ids.CHOICE}.value": forged,
                              f"{tpl_ids.NAME}.value": "T", f"{tpl_ids.REVIEW}.value": 14,
                              f"{tpl_ids.PARTS}.value": [forged, 1]}),
        (clients_ids.TABLE, {f"{clients_ids.PRACTITIONER}.value": forged,
                             f"{clients_ids.PAGES}.active_page": forged}),
        (overview_ids.BODY, {f"{overview_ids.PRACTITIONER}.value": forged}),
        (ids.TEAM, {f"{ids.TEAM_REASSIGN}.n_clicks": 1, f"{ids.TEAM_PRACTITIONER}.value": forged,
                       f"{ids.CLIENT_ID}.data": sqlite_people.alice_client_id}),
        (ids.TEAM, {f"{ids.TEAM_SHARE}.n_clicks": 1, f"{ids.TEAM_SHARE_WITH}.value": forged,
                       f"{ids.CLIENT_ID}.data": sqlite_people.alice_client_id}),
        (bg_ids.TABLE, {f"{bg_ids.PAGES}.active_page": forged}),
    ]
    for output, values in calls:
        triggered = f"{clients_ids.PAGES}.active_page" if output == clients_ids.TABLE else None
        response = invoke(http, output, values, triggered=triggered)
        assert response.status_code in (200, 204), (output, response.status_code)
    with db.read() as s:  # nothing reassigned or shared
        assert s.get(Client, sqlite_people.alice_client_id).practitioner_id == \
            sqlite_people.alice_id


def test_a_forged_audit_filter_gets_the_field_s_message(http, db, sqlite_people):
    login(http, ADMIN)
    body = invoke(http, audit_ids.TABLE, {f"{audit_ids.CLIENT}.value": "١٢",
                                          f"{audit_ids.ACTION}.value": "any"}
                  ).get_data(as_text=True)
    assert "A client id is a number" in body
    body = invoke(http, clinic_ids.RETENTION_YEARS_ERROR, {
        f"{clinic_ids.RETENTION_FORM}.n_submit": 1, f"{clinic_ids.RETENTION_YEARS}.value": "²"}
                  ).get_data(as_text=True)
    assert "whole number of years" in body


NAMES = {"polish": ("Łukasz", "Wójcik"), "greek": ("Αθηνά", "Παπαδοπούλου"),
         "arabic": ("فاطمة", "الزهراء"), "cjk": ("王", "小明"), "emoji": ("🌻🌻", "🙂")}


@pytest.mark.parametrize("script", NAMES)
def test_a_handout_downloads_for_any_name_and_is_given_once_sent(http, db, planned, script):
    given, family = NAMES[script]
    with db.begin() as s:
        s.execute(update(Client).where(Client.id == planned).values(
            given_name=given, family_name=family))
    login(http, ALICE)
    response = http.post(f"/clients/{planned}/handout.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what the server must be able to send
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(".pdf") and fallback != ".pdf"
    exact = unquote(header.split("filename*=UTF-8''")[1])
    if script != "emoji":  # the file name keeps letters; an emoji-only name has none
        assert given in exact
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HandoutRecord).where(
            HandoutRecord.given.is_(True))) == 1


def test_every_download_route_sends_an_rfc_6266_filename(http, db, planned):
    with db.begin() as s:
        s.execute(update(Client).where(Client.id == planned).values(given_name="Łukasz"))
    login(http, ALICE)
    for response in (http.post(f"/clients/{planned}/handout.pdf"),
                     http.get(f"/clients/{planned}/fhir.json")):
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("name", ['a"b\\c\r\nd.pdf', "../../etc/passwd", "😀.pdf", ".pdf", ""])
def test_content_disposition_is_safe_for_any_name(name):
    header = content_disposition(name)
    header.encode("latin-1")
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback and "/" not in fallback and "\\" not in fallback
    assert unquote(header.split("filename*=UTF-8''")[1]) == name


def test_a_failed_response_records_no_handout(http, db, planned, monkeypatch):
    """If the response cannot be built, the handout is not recorded as given."""
    import dashboard.handout.routes as routes

    def broken(*_args, **_kwargs):
        raise UnicodeEncodeError("latin-1", "Ł", 0, 1, "cannot encode")

    monkeypatch.setattr(routes, "attachment", broken)
    login(http, ALICE)
    assert http.post(f"/clients/{planned}/handout.pdf").status_code == 500
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HandoutRecord).where(
            HandoutRecord.given.is_(True))) == 0
