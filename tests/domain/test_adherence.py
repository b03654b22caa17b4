"""Issue 17, item 6: one reading of adherence for the history, the progress view, the
client's record and the handout's tracker."""

import datetime as dt

import pytest

from dashboard.domain.adherence import PartAnswer, prescribed_days, read_adherence
from dashboard.domain.progress import AdherenceRecord, SessionPoint, adherence_against_change
from dashboard.domain.record import AdherenceLine


@pytest.mark.parametrize(("kind", "days", "prescribed"), [
    ("advice", None, None),  # a referral, CBT, "see a physical therapist": not counted
    ("advice", 5, 5),  # advice with days (workspace set-up on work days) is counted
    ("timed", None, 7),
    ("exercise", 3, 3),
])
def test_advice_parts_with_no_days_are_not_counted(kind, days, prescribed):
    assert prescribed_days(kind, days) == prescribed


def test_days_beyond_the_prescription_count_as_the_prescription():
    reading = read_adherence([PartAnswer(7, 3)])
    assert (reading.done, reading.prescribed, reading.share) == (3, 3, 1.0)
    assert reading.describe() == "3/3 prescribed days (1 part)"
    assert AdherenceLine("Plank", 7, 3).describe() == "Plank: 3 of 3 days"


def test_blank_answers_do_not_make_two_of_five_parts_look_like_all():
    parts = [PartAnswer(7, 7), PartAnswer(3, 3), PartAnswer(None, 7), PartAnswer(None, 3),
             PartAnswer(None, 5), PartAnswer(None, None)]  # the last: advice, not counted
    reading = read_adherence(parts)
    assert (reading.answered, reading.counted, reading.complete) == (2, 5, False)
    assert reading.describe() == "10/10 prescribed days (2 of 5 parts answered)"
    assert read_adherence([PartAnswer(None, 7)]).describe() == "—"
    assert read_adherence([PartAnswer(None, None)]).describe() == "—"


def test_adherence_against_change_leaves_out_sessions_with_parts_left_blank():
    day = dt.date(2026, 3, 3)
    points = [SessionPoint(day + dt.timedelta(days=7 * n), pain, 5, None)
              for n, pain in enumerate((8, 6, 5))]
    records = [AdherenceRecord(points[1].session_on, "Heat", 7, 7),
               AdherenceRecord(points[1].session_on, "Stretch", None, 3),
               AdherenceRecord(points[2].session_on, "Heat", 7, 7),
               AdherenceRecord(points[2].session_on, "Stretch", 6, 3)]
    assert adherence_against_change(points, records, points[0]) == [
        (points[2].session_on, 1.0, -3)]
