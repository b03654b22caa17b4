import datetime as dt
import re

from hypothesis import example, given
from hypothesis import strategies as st

from dashboard.domain.dates import DAY_HINT
from dashboard.domain.episodes import EpisodeDates
from dashboard.domain.sessions import SessionForm, clean_activities, parse_session

TODAY = dt.date(2026, 11, 25)
BEGAN = dt.date(2026, 6, 1)
EPISODE = EpisodeDates(BEGAN)


def parse(episode=EPISODE, **changes):
    values = dict(session_on="2026-11-20", pain=6, stress="4", ratings={1: 5, 2: 7},
                  adherence={10: 5, 11: None}, notes="ok", questionnaires={})
    values.update(changes)
    return parse_session(SessionForm(**values), today=TODAY, episode=episode,
                         activity_ids={1, 2}, plan_item_ids={10, 11})


def test_a_good_session_and_its_function_score():
    data, errors = parse()
    assert errors == {}
    assert data.pain == 6 and data.stress == 4
    assert data.function_score == 6.0  # the mean of the activity ratings
    assert data.adherence == {10: 5}  # blank means not asked


def test_dates_must_be_real_past_and_within_the_record():
    assert "future" in parse(session_on="2026-11-26")[1]["date"]
    assert "within this episode of care" in parse(session_on="2026-05-31")[1]["date"]
    assert parse(session_on="2026-02-30")[1]["date"] == DAY_HINT
    assert parse(session_on=None)[1]["date"]
    assert parse(session_on="2026-11-25")[1] == {}


def test_a_session_falls_within_its_own_episode_first_and_last_day_included():
    """Issue 17, item 1: a session dated inside an earlier episode would become the new
    episode's baseline. The first and the last day of the episode are inside it."""
    discharged = EpisodeDates(dt.date(2026, 3, 2), dt.date(2026, 5, 29))
    assert parse(discharged, session_on="2026-03-02")[1] == {}
    assert parse(discharged, session_on="2026-05-29")[1] == {}
    message = parse(discharged, session_on="2026-03-01")[1]["date"]
    assert message == ("The session date must fall within this episode of care "
                       "(2 Mar 2026 to 29 May 2026).")
    assert "29 May 2026" in parse(discharged, session_on="2026-05-30")[1]["date"]
    # An open episode: from its first day to today, and not a day before it.
    assert parse(session_on="2026-06-01")[1] == {}
    assert parse(session_on="2026-05-31")[1]["date"].endswith(
        "(began 1 Jun 2026, still open).")


def test_every_bad_field_is_named_and_nothing_is_returned():
    data, errors = parse(pain=11, stress="", ratings={1: 5}, adherence={10: 8},
                         notes="x" * 5001, questionnaires={"PHQ9": [0] * 8})
    assert data is None
    assert set(errors) == {"pain", "stress", "rating-2", "adherence-10", "notes", "q-PHQ9-9"}


def test_adherence_for_a_part_not_in_the_plan_is_refused():
    assert "adherence" in parse(adherence={99: 3})[1]


JUNK = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["²", "٣", " 7 ", "-0", "07"]),
                 st.floats(allow_nan=True), st.integers(-1000, 1000), st.booleans(),
                 st.lists(st.integers(), max_size=2))


# Values in range, as the form may send them: mixed in so that the accepted branch below runs
# often, not only when four junk draws happen to be good at once.
GOOD = st.one_of(st.integers(0, 7), st.sampled_from(["3", " 7 ", "07", 5.0, "0"]))


@given(pain=GOOD | JUNK, stress=GOOD | JUNK, rating=GOOD | JUNK, days=GOOD | JUNK)
@example(pain=6, stress="4", rating=" 7 ", days=5.0)  # accepted, whatever the draws
@example(pain="٣", stress=4, rating=5, days=5)  # refused: not ASCII digits
def test_any_malformed_or_out_of_range_value_is_refused(pain, stress, rating, days):
    data, errors = parse(pain=pain, stress=stress, ratings={1: rating, 2: 5},
                         adherence={10: days})

    def ok(value, high, required):
        if value is None or value == "" or (isinstance(value, str) and not value.strip()):
            return not required
        if isinstance(value, bool):
            return False
        if isinstance(value, float):
            return value.is_integer() and 0 <= value <= high
        if isinstance(value, str):
            text = value.strip()
            return re.fullmatch(r"-?[0-9]{1,6}", text) is not None and 0 <= int(text) <= high
        return isinstance(value, int) and 0 <= value <= high

    expected_ok = ok(pain, 10, True) and ok(stress, 10, True) and ok(rating, 10, True) \
        and ok(days, 7, False)
    assert (data is not None) == expected_ok, errors
    if data is not None:  # accepted: the numbers as given, as whole numbers
        assert (data.pain, data.stress) == (int(str(pain).strip().split(".")[0]),
                                           int(str(stress).strip().split(".")[0]))
        assert 0 <= data.pain <= 10 and 0 <= data.stress <= 10
        assert data.ratings[1] == int(str(rating).strip().split(".")[0])
        assert all(0 <= v <= 7 for v in data.adherence.values())


def test_activities_one_per_line():
    assert clean_activities("Lifting\n\n Driving \nGardening") == (
        ["Lifting", "Driving", "Gardening"], None)
    assert clean_activities("")[1]
    # Issue 17, item 5: the PSFS as published asks for 3 to 5 activities.
    assert clean_activities("Lifting\nDriving")[1] == (
        "Name 3 to 5 activities the client finds hard because of their back (2 now).")
    assert clean_activities("a\nb\nc\nd\ne")[1] is None
    assert clean_activities("a\nb\nc\nd\ne\nf")[1]
    assert clean_activities("Walk\nwalk\nRun")[1]


def test_an_edit_may_leave_unrated_an_activity_added_since():
    """Issue 17, item 5: editing an old session shows the client's current activities; one
    added after that session is not rated for that day (a made-up rating), unless given."""
    import datetime as dt

    from dashboard.domain.episodes import EpisodeDates
    from dashboard.domain.sessions import SessionForm, parse_session

    form = SessionForm("2026-02-01", 5, 4, {1: 6, 2: ""}, {})
    args = dict(today=dt.date(2026, 3, 1), episode=EpisodeDates(dt.date(2026, 1, 1)),
                activity_ids={1, 2}, plan_item_ids=set())
    data, errors = parse_session(form, **args)
    assert data is None and errors == {"rating-2": "This rating is required."}
    data, errors = parse_session(form, **args, optional_activity_ids={2})
    assert errors == {} and data.ratings == {1: 6}
    data, _ = parse_session(SessionForm("2026-02-01", 5, 4, {1: 6, 2: 3}, {}), **args,
                            optional_activity_ids={2})
    assert data.ratings == {1: 6, 2: 3}
