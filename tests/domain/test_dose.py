from dashboard.domain.dose import Dose, describe_dose, validate_dose


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
