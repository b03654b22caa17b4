"""Pictures on the handout (tagged Figures with their words), in the plan builder, and at
their public address; a given handout keeps its pictures whatever the catalogue does."""

import re
import subprocess
import zlib

from sqlalchemy import select

from dashboard.db.handouts import handout_data, make_handout, plan_version_for
from dashboard.db.models import Client, StrategyPart
from dashboard.db.pictures import store_picture
from dashboard.domain.catalogue import DRAWINGS, content_hash
from dashboard.handout.pictures import PictureFetcher
from dashboard.handout.render import html_to_pdf, render_html
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ALICE, make_client_link

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def figure_alts(pdf: bytes) -> list[str]:
    """The alternative texts of the PDF's tagged Figures (read from its object streams)."""
    alts = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            body = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        alts += [a.decode("latin-1") for a in re.findall(rb"/Alt\s*\((.*?)\)\s*(?=[/>])", body)]
    return alts


def _part(s, key):
    return s.scalar(select(StrategyPart).where(StrategyPart.key == key))


def test_the_handout_shows_each_parts_picture_as_a_tagged_figure(db, planned, tmp_path):
    with db.begin() as s:
        client = s.get(Client, planned)
        pdf = make_handout(s, client=client, version=1, page_size="a4", user_id=None).pdf
        words = {k: _part(s, k).picture_alt for k in ("heat", "bridge")}
    # version 1 is heat and bridge: two Figures, each carrying its part's words
    assert sorted(figure_alts(pdf)) == sorted(words.values())
    path = tmp_path / "h.pdf"
    path.write_bytes(pdf)
    structure = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True,
                               text=True, check=True).stdout
    assert structure.count("Figure") == 2
    # the drawings are vector art laid out by WeasyPrint: their words are in the page text
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Wrap the pack in a towel" in text and "Lift your hips, lower slowly" in text


def test_a_given_handout_keeps_its_picture_when_the_catalogue_changes(db, planned):
    with db.begin() as s:
        client = s.get(Client, planned)
        before = render_html(handout_data(s, client, plan_version_for(s, client, 1)))
        own = store_picture(s, data=PNG_1X1, media_type="image/png", width=1, height=1)
        heat = _part(s, "heat")
        heat.picture_sha256, heat.picture_alt, heat.picture_from_catalogue = \
            own, "A clinic photo.", False
    with db.read() as s:
        client = s.get(Client, planned)
        after = render_html(handout_data(s, client, plan_version_for(s, client, 1)))
    assert after == before
    drawing = content_hash((DRAWINGS / "heat.svg").read_bytes())
    assert f'src="/pictures/{drawing}"' in after and own not in after


def test_pictures_are_served_by_hash_to_anyone_and_kept_a_year(http, db):
    sha = content_hash((DRAWINGS / "cat_cow.svg").read_bytes())
    response = http.get(f"/pictures/{sha}")  # no login: the client's own page shows them
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data == (DRAWINGS / "cat_cow.svg").read_bytes()
    assert "immutable" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for path in (f"/pictures/{'0' * 64}", f"/pictures/{sha.upper()}", "/pictures/x"):
        assert http.get(path).status_code == 404, path
    # public by the route matched, not by the path's prefix: this is the app, for members
    assert http.get("/pictures/../clients").status_code == 302


def test_laying_out_a_handout_reads_nothing_but_its_own_pictures(tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      '<text y="9">SECRET</text></svg>')
    html = (f'<html lang="en"><head><title>t</title></head><body><p>x</p>'
            f'<img src="{secret.as_uri()}" alt="a"><img src="/pictures/{"a" * 64}" alt="b">'
            f"</body></html>")
    pdf = html_to_pdf(html)
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "SECRET" not in text
    fetcher = PictureFetcher({})
    for url in (secret.as_uri(), "http://127.0.0.1/pictures/" + "a" * 64):
        try:
            fetcher.fetch(url)
        except ValueError:
            continue
        raise AssertionError(f"fetched {url}")


def _images(node):
    """Every html.Img in a Dash layout as JSON: (src, alt)."""
    if isinstance(node, list):
        return [i for child in node for i in _images(child)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    found = [(props.get("src"), props.get("alt"))] if node.get("type") == "Img" else []
    return found + _images(props.get("children"))


def test_the_plan_builder_shows_a_thumbnail_with_its_words(http, db, sqlite_people):
    login(http, ALICE)
    response = invoke(http, "plan-area", {"client-tabs.value": "plan", "plan-drawn.data": None,
                                          "client-id.data": sqlite_people.alice_client_id})
    assert response.status_code == 200
    images = _images(response.get_json()["response"]["plan-area"]["children"])
    with db.read() as s:
        pictured = [p for p in s.scalars(select(StrategyPart).order_by(StrategyPart.id))
                    if p.picture_sha256]
        assert len(pictured) == 9  # every movement part; none for advice
        assert sorted(images) == sorted((f"/pictures/{p.picture_sha256}", p.picture_alt)
                                        for p in pictured)


def test_the_clients_own_page_shows_the_pictures_the_plan_was_given_with(app, planned, db,
                                                                         sqlite_people):
    practitioner = app.server.test_client()
    login(practitioner, ALICE)
    token = make_client_link(practitioner, planned)
    browser = app.server.test_client()  # the client: no login
    browser.get(f"/my/{token}")
    body = browser.get("/my/").get_data(as_text=True)
    with db.read() as s:
        cold = _part(s, "cold")  # the current plan (version 2) is cold only
        src = f"/pictures/{cold.picture_sha256}"
    assert f'<img class="picture" src="{src}" alt="{cold.picture_alt}">' in body
    assert body.count("<img") == 1
    picture = browser.get(src)  # the client's phone can fetch it: no login needed
    assert picture.status_code == 200 and picture.data.startswith(b"<svg")
    assert len(body.encode()) + len(picture.data) < 60_000  # still a light page


def test_the_demo_clinics_handouts_show_their_pictures(db, tmp_path):
    import datetime as dt

    from dashboard.demo import create_demo

    with db.begin() as s:
        create_demo(s, today=dt.date(2026, 11, 30))
    with db.begin() as s:
        clients = s.scalars(select(Client).order_by(Client.id)).all()
        pdf, pictured = None, []
        for client in clients:  # the first demo client whose plan has a pictured part
            plan = plan_version_for(s, client, None)
            pictured = [i.picture_alt for i in plan.items if i.picture_sha256]
            if pictured:
                pdf = make_handout(s, client=client, version=None, page_size="a4",
                                   user_id=None).pdf
                break
    assert pdf is not None
    assert sorted(figure_alts(pdf)) == sorted(pictured)
