"""A template's doses as the admin types them (issue 19): the plan builder's rule, ceiling
included, with no way past the ceiling."""

from dashboard.domain.catalogue_edit import check_template_doses
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PartInfo

HEAT = PartInfo(1, "Heat", "Heat or cold therapy", "timed", max_minutes=20)
BRIDGE = PartInfo(2, "Bridge", "Stretch and strengthen", "exercise")
PARTS = {1: HEAT, 2: BRIDGE}


def test_typed_doses_are_read_per_part():
    doses, errors = check_template_doses(PARTS, (1, 2), {
        1: {"minutes_min": "10", "minutes_max": "15", "times_per_day": "2",
            "days_per_week": "7"},
        2: {"sets": "3", "reps": "12", "hold_seconds": "", "times_per_day": "1",
            "days_per_week": "5"}})
    assert errors == {}
    assert doses[1] == Dose("timed", minutes_min=10, minutes_max=15, times_per_day=2,
                            days_per_week=7)
    assert doses[2].sets == 3 and doses[2].reps == 12 and doses[2].hold_seconds is None


def test_bad_input_is_named_for_its_part_and_field():
    doses, errors = check_template_doses(PARTS, (1, 2), {
        1: {"minutes_min": "ten"}, 2: {"sets": "", "reps": "", "hold_seconds": ""}})
    assert doses == {}
    assert errors["dose-1-minutes_min"] == "Minutes (from) must be a whole number."
    assert "dose-2-sets" in errors and "dose-2-reps" in errors


def test_past_the_ceiling_is_refused_without_a_way_past_it():
    _, errors = check_template_doses(PARTS, (1,), {1: {"minutes_min": "15",
                                                       "minutes_max": "25"}})
    assert errors["dose-1-minutes_max"].startswith("At most 20 minutes at a time")
    assert "reason" not in errors["dose-1-minutes_max"]  # a template has no reason to give
    doses, errors = check_template_doses(PARTS, (1,), {1: {"minutes_min": "20"}})
    assert errors == {} and doses[1].minutes_min == 20  # at the ceiling is within it


def test_a_part_whose_fields_were_not_sent_keeps_its_dose_and_unchosen_parts_are_ignored():
    doses, errors = check_template_doses(PARTS, (1,), {2: {"sets": "x"}})
    assert doses == {} and errors == {}
