import datetime as dt

from dashboard.cli import DATA_DIR
from dashboard.domain.catalogue import read_catalogue
from dashboard.domain.dose import Dose, describe_dose, validate_dose
from dashboard.domain.plans import PartInfo, build_draft


def test_heat_dose_reads_as_on_the_handout():
    dose = Dose("timed", minutes_min=15, minutes_max=20, times_per_day=2, days_per_week=7)
    assert validate_dose(dose) == {}
    assert describe_dose(dose) == "15-20 minutes, twice a day, every day"


def test_exercise_with_hold_and_with_reps():
    assert describe_dose(Dose("exercise", sets=3, hold_seconds=30, times_per_day=1)) == (
        "3 × hold 30 seconds, once a day")
    assert describe_dose(Dose("exercise", sets=2, reps=10, days_per_week=3)) == (
        "2 × 10 repetitions, 3 days a week")


def test_advice_has_no_number():
    assert describe_dose(Dose("advice")) == "As advised"


def test_out_of_range_and_missing_numbers_are_named_per_field():
    assert "minutes_min" in validate_dose(Dose("timed"))
    assert "minutes_max" in validate_dose(Dose("timed", minutes_min=20, minutes_max=15))
    assert "days_per_week" in validate_dose(Dose("advice", days_per_week=8))
    assert "reps" in validate_dose(Dose("exercise", sets=2))
    assert "sets" in validate_dose(Dose("exercise", reps=10))
    assert "kind" in validate_dose(Dose("magic"))
    assert "minutes_min" in validate_dose(Dose("timed", minutes_min=0))


def test_columns_round_trip():
    dose = Dose("timed", minutes_min=10, minutes_max=15, times_per_day=2, days_per_week=7)
    columns = dose.as_columns()
    assert columns["dose_kind"] == "timed"

    class Row:
        pass

    row = Row()
    for key, value in columns.items():
        setattr(row, key, value)
    assert Dose.from_columns(row) == dose


def test_each_part_keeps_within_its_own_ceiling():
    """Issue 17, item 9: cold packs of 240 minutes twelve times a day were accepted."""
    cold = Dose("timed", minutes_min=240, minutes_max=240, times_per_day=12)
    assert validate_dose(cold) == {}  # no ceiling given: only the general limits
    errors = validate_dose(cold, max_minutes=15)
    assert set(errors) == {"minutes_min", "minutes_max"}
    assert errors["minutes_max"].startswith("At most 15 minutes at a time")
    assert validate_dose(Dose("timed", minutes_min=10, minutes_max=15), max_minutes=15) == {}
    assert validate_dose(Dose("timed", minutes_min=20), max_minutes=20) == {}
    assert "minutes_min" in validate_dose(Dose("timed", minutes_min=21), max_minutes=20)


def test_the_seed_gives_heat_and_cold_their_ceilings_and_the_builder_keeps_them():
    strategies, _templates = read_catalogue(DATA_DIR)
    ceilings = {p.key: p.max_minutes for s in strategies for p in s.parts}
    assert (ceilings["heat"], ceilings["cold"], ceilings["plank"]) == (20, 15, None)
    cold = PartInfo(1, "Cold", "Heat or cold therapy", "timed", max_minutes=15)
    draft, errors = build_draft({1: cold}, [1], {1: {"minutes_min": "240", "times_per_day":
                                                     "12"}}, review="14", notes="", goals=(),
                                today=dt.date(2026, 11, 25))
    assert "At most 15 minutes" in errors["dose-1-minutes_min"] and draft.items == ()
    draft, errors = build_draft({1: cold}, [1], {1: {"minutes_min": "15"}}, review="14",
                                notes="", goals=(), today=dt.date(2026, 11, 25))
    assert errors == {} and draft.items[0].dose.minutes_min == 15


def test_past_the_ceiling_only_with_a_reason_and_only_where_one_can_be_given():
    """Issue 17, item 9: going past a part's ceiling is refused, or needs a reason."""
    from dashboard.domain.dose import ceiling_note, over_ceiling, parse_ceiling_reason

    cold = PartInfo(1, "Cold", "Heat or cold therapy", "timed", max_minutes=15)

    def build(minutes, reason=None):
        return build_draft({1: cold}, [1], {1: {"minutes_min": minutes}}, review="14",
                           notes="", goals=(), today=dt.date(2026, 11, 25),
                           raw_reasons={1: reason})

    draft, errors = build("20")
    assert "give your reason" in errors["dose-1-minutes_min"] and draft.items == ()
    draft, errors = build("20", "  Post-operative   swelling ")
    assert errors == {}
    assert draft.items[0].over_ceiling_reason == "Post-operative swelling"
    # A reason beside a dose within the ceiling means nothing: it is not kept or printed.
    draft, errors = build("15", "just in case")
    assert errors == {} and draft.items[0].over_ceiling_reason == ""
    assert build("20", "x" * 501)[1]["dose-1-reason"].startswith("Keep the reason under")
    assert build("20", "bad\u202etext")[1]["dose-1-reason"]
    # The catalogue's defaults and templates offer no reason: the ceiling holds there.
    assert "give your reason" not in validate_dose(Dose("timed", 20), max_minutes=15)[
        "minutes_min"]
    assert validate_dose(Dose("timed", 10, 20), max_minutes=15, ceiling_reason="swelling") == {}
    assert over_ceiling(Dose("timed", 10, 16), 15) and not over_ceiling(Dose("timed", 15), 15)
    assert not over_ceiling(Dose("exercise", sets=3, reps=10), 15)
    assert parse_ceiling_reason(None) == ("", None)
    assert ceiling_note(Dose("timed", 15), 15, "swelling") == ""
    assert ceiling_note(Dose("timed", 16), 15, "swelling").endswith("because: swelling")
