from dashboard.domain.catalogue_edit import check_part, part_key
from dashboard.domain.dose import Dose


def test_a_good_edit_and_its_dose():
    edit, errors = check_part("timed", {"name": " Warm bath ", "instructions": "Soak.",
                                        "minutes_min": "15", "minutes_max": 20})
    assert errors == {}
    assert edit.name == "Warm bath" and edit.dose == Dose("timed", 15, 20)


def test_bad_edits_name_each_field():
    edit, errors = check_part("exercise", {"name": "", "instructions": "", "sets": 0,
                                           "cautions": "x" * 2001})
    assert edit is None
    assert {"name", "instructions", "cautions", "dose-sets"} <= set(errors)


def test_keys_are_unique_and_plain():
    assert part_key("Warm bath!", set()) == "warm_bath"
    assert part_key("Warm bath", {"warm_bath"}) == "warm_bath_2"


def test_a_name_is_taken_whatever_its_case_or_spacing():
    from dashboard.domain.catalogue_edit import name_taken

    assert name_taken(" warm  BATH", ["Heat", "Warm bath"])
    assert not name_taken("Warm bath", ["Heat", "Cold"])
    assert not name_taken("Warm bath", [])
