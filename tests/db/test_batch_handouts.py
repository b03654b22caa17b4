"""A batch of handouts lays out every document to join them in one file: it needs each
handout's pictures even when an identical PDF was given before (found by the cluster test:
the second batch printed empty frames where the drawings belong)."""

from __future__ import annotations

from dashboard.db.handouts import prepare_batch, record_given, render_batch
from dashboard.db.models import Client


def test_a_second_batch_still_has_the_pictures(db, planned, sqlite_people):
    with db.read() as s:
        first = prepare_batch(s, clients=[s.get(Client, planned)], page_size="a4")
    assert first[0].earlier_pdf is None and first[0].pictures  # cold: the pack's drawing
    singles, _ = render_batch(first, lambda done, total: None)
    with db.begin() as s:
        record_given(s, first[0], singles[0], sqlite_people.alice_id)
    with db.read() as s:
        second = prepare_batch(s, clients=[s.get(Client, planned)], page_size="a4")
    assert second[0].earlier_pdf == singles[0]  # the same handout as given before ...
    assert set(second[0].pictures) == set(first[0].pictures)  # ... laid out with its pictures
