"""An admin gives a catalogue part the clinic's own picture: good files saved (cleaned,
audited, given to new plans only), bad files refused next to the field with nothing
changed, and nobody but an admin may."""

import base64
import datetime as dt
import io
import json

from PIL import Image
from sqlalchemy import func, select

from dashboard.db.models import AuditEntry, Picture, PlanItem, StrategyPart
from dashboard.db.plans import save_plan_version
from dashboard.db.summary import current_episode
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.pages.ids import admin_catalogue as cat_ids
from tests.conftest import login
from tests.dash_client import dependencies, invoke
from tests.domain.test_picture_upload import jpeg_with_exif, png
from tests.factories import ADMIN, ALICE

SAVE = f"{cat_ids.PICTURE_ALT_ERROR}.children...{cat_ids.PICTURE_RESULT}.children"
WORDS = "A clinic photo: a person on hands and knees, back rounded up."


def upload(part_id, data, declared="image/png", alt=WORDS):
    return {f"{cat_ids.PICTURE_SAVE}.n_clicks": 1, f"{cat_ids.PART}.value": str(part_id),
            f"{cat_ids.PICTURE_UPLOAD}.contents":
                f"data:{declared};base64,{base64.b64encode(data).decode()}",
            f"{cat_ids.PICTURE_ALT}.value": alt}


def _cat_cow(s):
    return s.scalar(select(StrategyPart).where(StrategyPart.key == "cat_cow"))


def _answer(response) -> dict:
    assert response.status_code == 200, response.data[:300]
    return json.loads(response.data)["response"]


def test_a_good_jpeg_is_cleaned_saved_audited_and_given_to_new_plans_only(
        http, db, sqlite_people):
    with db.begin() as s:
        part = _cat_cow(s)
        part_id, drawing, revision = part.id, part.picture_sha256, part.revision
        episode = current_episode(s, sqlite_people.alice_client_id).id
        draft = PlanDraft((PlanItemDraft(part.id, part.name, part.strategy.name,
                                         Dose.from_columns(part)),), 14, "", ())
        given = save_plan_version(s, episode_id=episode, draft=draft,
                                  user_id=sqlite_people.alice_id, today=dt.date(2026, 2, 1)).id
    login(http, ADMIN)
    answer = _answer(invoke(http, SAVE, upload(part_id, jpeg_with_exif(), "image/jpeg")))
    assert "Picture saved (480 × 640, image/jpeg)" in json.dumps(answer, ensure_ascii=False)
    with db.read() as s:
        part = _cat_cow(s)
        assert part.picture_sha256 != drawing and part.picture_alt == WORDS
        assert not part.picture_from_catalogue and part.revision == revision + 1
        stored = s.scalar(select(Picture).where(Picture.sha256 == part.picture_sha256))
        assert stored.media_type == "image/jpeg" and (stored.width, stored.height) == (480, 640)
        assert b"SpyCam" not in stored.data
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue_picture_set"))
        assert audit.entity_id == part_id and part.picture_sha256 in audit.detail
        # the plan already given keeps the drawing it was given with
        assert s.scalar(select(PlanItem.picture_sha256)
                        .where(PlanItem.plan_version_id == given)) == drawing
    # the thumbnail shows the new picture at once
    assert f"/pictures/{part.picture_sha256}" in json.dumps(answer, ensure_ascii=False)
    assert http.get(f"/pictures/{part.picture_sha256}").mimetype == "image/jpeg"


def test_bad_files_are_refused_next_to_the_field_and_change_nothing(http, db, sqlite_people):
    with db.read() as s:
        part = _cat_cow(s)
        part_id, before = part.id, (part.picture_sha256, part.picture_alt, part.revision)
        pictures = s.scalar(select(func.count()).select_from(Picture))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    big = png((2000, 2000))
    big += b"\x00" * (2 * 1024 * 1024 + 1 - len(big))
    bomb = __import__("tests.domain.test_picture_upload", fromlist=["png_bomb"]).png_bomb()
    cases = [
        (upload(part_id, svg, "image/svg+xml"), "SVG files are not accepted"),
        (upload(part_id, b"just text, named photo.png"), "not a PNG or JPEG picture"),
        (upload(part_id, b"\x89PNG\r\n\x1a\n" + b"x" * 300), "could not be read"),
        (upload(part_id, big), "pictures may be at most 2 MB"),
        (upload(part_id, bomb), "too many pixels"),
        ({**upload(part_id, png()), f"{cat_ids.PICTURE_UPLOAD}.contents": None},
         "Choose a PNG or JPEG file"),
        (upload(part_id, png(), alt="   "), None),
    ]
    login(http, ADMIN)
    for values, message in cases:
        answer = _answer(invoke(http, SAVE, values))
        upload_error = answer[cat_ids.PICTURE_UPLOAD_ERROR]["children"]
        if message is None:  # a good file without words: the words' field says so
            assert "Describe the picture" in answer[cat_ids.PICTURE_ALT_ERROR]["children"]
        else:
            assert message in upload_error, (message, upload_error)
        assert "Not saved" in json.dumps(answer[cat_ids.PICTURE_RESULT])
    with db.read() as s:
        part = _cat_cow(s)
        assert (part.picture_sha256, part.picture_alt, part.revision) == before
        assert s.scalar(select(func.count()).select_from(Picture)) == pictures
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "catalogue_picture_set")) == 0


def test_only_admins_may_change_a_picture(http, db, sqlite_people):
    login(http, ALICE)
    with db.read() as s:
        part_id = _cat_cow(s).id
    deps = dependencies(http)
    assert invoke(http, SAVE, upload(part_id, png()), deps=deps).status_code == 403
    http.get("/logout")
    assert invoke(http, SAVE, upload(part_id, png()), deps=deps).status_code in (401, 403)
    with db.read() as s:
        assert _cat_cow(s).picture_from_catalogue  # still the catalogue's drawing


def test_a_good_png_is_stored_as_a_png_without_its_text(http, db, sqlite_people):
    with db.read() as s:
        part_id = _cat_cow(s).id
    login(http, ADMIN)
    _answer(invoke(http, SAVE, upload(part_id, png((800, 600), Author="Dr Private"))))
    with db.read() as s:
        stored = s.scalar(select(Picture).where(Picture.sha256 == _cat_cow(s).picture_sha256))
        assert stored.media_type == "image/png" and b"Dr Private" not in stored.data
        with Image.open(io.BytesIO(stored.data)) as image:
            assert image.size == (800, 600)
