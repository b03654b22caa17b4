"""Pictures in the database: stored once by content hash, given to the catalogue's parts,
and kept by each plan version as given."""

import datetime as dt

from sqlalchemy import func, select, text

from dashboard.cli import DATA_DIR
from dashboard.db.catalogue import load_catalogue
from dashboard.db.models import Picture, PlanItem, StrategyPart
from dashboard.db.pictures import get_picture, pictures_by_hash, store_picture
from dashboard.db.plans import save_plan_version
from dashboard.db.summary import current_episode
from dashboard.domain.catalogue import DRAWINGS, content_hash, read_catalogue
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PlanDraft, PlanItemDraft

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _part(s, key):
    return s.scalar(select(StrategyPart).where(StrategyPart.key == key))


def _save(s, people, keys, today=dt.date(2026, 2, 1)):
    episode = current_episode(s, people.alice_client_id).id
    items = []
    for key in keys:
        part = _part(s, key)
        items.append(PlanItemDraft(part.id, part.name, part.strategy.name,
                                   Dose.from_columns(part)))
    return save_plan_version(s, episode_id=episode, draft=PlanDraft(tuple(items), 14, "", ()),
                             user_id=people.alice_id, today=today)


def test_catalogue_drawings_are_stored_once_by_content_hash(any_db):
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Picture)) == 9
        cat_cow = _part(s, "cat_cow")
        shipped = (DRAWINGS / "cat_cow.svg").read_bytes()
        assert cat_cow.picture_sha256 == content_hash(shipped)
        assert cat_cow.picture_from_catalogue and cat_cow.picture_alt.startswith("Two drawings")
        picture = get_picture(s, cat_cow.picture_sha256)
        assert picture.data == shipped and picture.media_type == "image/svg+xml"
        assert _part(s, "diet").picture_sha256 is None
        assert get_picture(s, "0" * 64) is None and get_picture(s, "../etc") is None
    with any_db.begin() as s:
        # the same bytes again are the same picture, not a second row
        assert store_picture(s, data=shipped, media_type="image/svg+xml") == content_hash(
            shipped)
        assert s.scalar(select(func.count()).select_from(Picture)) == 9


def test_a_plan_version_keeps_the_picture_it_was_given_with(any_db, people):
    with any_db.begin() as s:
        first = _save(s, people, ["cat_cow", "diet"])
        drawing = _part(s, "cat_cow").picture_sha256
        # the clinic replaces the picture afterwards
        own = store_picture(s, data=PNG_1X1, media_type="image/png", width=1, height=1)
        part = _part(s, "cat_cow")
        part.picture_sha256, part.picture_alt = own, "Our own photo of cat-cow."
        part.picture_from_catalogue = False
        second = _save(s, people, ["cat_cow"], dt.date(2026, 3, 1))
        first_id, second_id = first.id, second.id
    with any_db.read() as s:
        given = s.scalars(select(PlanItem).where(PlanItem.plan_version_id == first_id)
                          .order_by(PlanItem.position)).all()
        assert [(i.picture_sha256, i.picture_alt[:12]) for i in given] == [
            (drawing, "Two drawings"), (None, "")]
        later = s.scalar(select(PlanItem).where(PlanItem.plan_version_id == second_id))
        assert (later.picture_sha256, later.picture_alt) == (own, "Our own photo of cat-cow.")
        assert set(pictures_by_hash(s, [drawing, own, None])) == {drawing, own}


def test_loading_replaces_an_older_drawing_but_never_a_clinics_own_picture(any_db):
    strategies, templates = read_catalogue(DATA_DIR)
    with any_db.begin() as s:
        old = store_picture(s, data=b"<svg>old drawing</svg>", media_type="image/svg+xml")
        own = store_picture(s, data=PNG_1X1, media_type="image/png")
        bridge, plank = _part(s, "bridge"), _part(s, "plank")
        bridge.picture_sha256 = old  # an earlier release's drawing
        plank.picture_sha256, plank.picture_from_catalogue = own, False
        assert load_catalogue(s, strategies=strategies, templates=templates) == 1
        assert _part(s, "bridge").picture_sha256 == content_hash(
            (DRAWINGS / "bridge.svg").read_bytes())
        assert _part(s, "plank").picture_sha256 == own


def test_upgrading_keeps_parts_and_plans_and_gives_the_catalogue_its_drawings(tmp_path):
    from dashboard.db.engine import Database
    from dashboard.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0012")
    strategies, templates = read_catalogue(DATA_DIR)
    db = Database(url)
    with db.begin() as s:
        s.execute(text("INSERT INTO strategies (key, name, summary, position) "
                       "VALUES ('stretch_strengthen', 'Stretch', '', 1)"))
        s.execute(text(
            "INSERT INTO strategy_parts (strategy_id, key, name, instructions, cautions, "
            "position, revision, retired, dose_kind, sets, reps) VALUES (1, 'cat_cow', "
            "'Our cat-cow', 'Our words.', '', 1, 3, 0, 'exercise', 2, 10)"))
        s.execute(text("INSERT INTO users (email, name, role, password_hash, active, "
                       "must_change_password, phone, created_at) VALUES ('a@b.c', 'A', "
                       "'practitioner', 'x', 1, 0, '', '2026-01-01 00:00:00')"))
        s.execute(text("INSERT INTO clients (given_name, family_name, date_of_birth, email, "
                       "phone, practitioner_id, archived, created_at, status) VALUES ('Kept', "
                       "'Client', '1980-01-01', '', '', 1, 0, '2026-01-01 00:00:00', "
                       "'stable')"))
        s.execute(text("INSERT INTO episodes (client_id, started_on, reason) "
                       "VALUES (1, '2026-01-01', '')"))
        s.execute(text("INSERT INTO plan_versions (episode_id, version, effective_on, "
                       "review_interval_days, notes, created_by_id, created_at) VALUES "
                       "(1, 1, '2026-01-02', 14, '', 1, '2026-01-02 10:00:00')"))
        s.execute(text(
            "INSERT INTO plan_items (plan_version_id, part_id, part_revision, strategy_key, "
            "strategy_name, part_name, instructions, cautions, position, dose_kind, sets, "
            "reps) VALUES (1, 1, 3, 'stretch_strengthen', 'Stretch', 'Our cat-cow', "
            "'Given words.', '', 1, 'exercise', 2, 10)"))
    upgrade(url)
    with db.begin() as s:
        part = _part(s, "cat_cow")
        assert (part.name, part.instructions, part.revision) == ("Our cat-cow", "Our words.", 3)
        assert part.picture_sha256 is None
        load_catalogue(s, strategies=strategies, templates=templates)
    with db.read() as s:
        part = _part(s, "cat_cow")
        assert part.picture_sha256 == content_hash((DRAWINGS / "cat_cow.svg").read_bytes())
        assert part.instructions == "Our words."  # the admins' wording stays
        item = s.scalar(select(PlanItem))
        assert (item.instructions, item.picture_sha256) == ("Given words.", None)
    db.dispose()
