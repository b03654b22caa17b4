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


def test_the_ceiling_is_edited_with_the_part_and_holds_its_default_dose():
    """Issue 17, item 9: ceilings editable in the catalogue editor; the part's own default
    dose and the templates' doses keep within it."""
    from dashboard.domain.catalogue_edit import ceiling_conflicts

    base = {"name": "Cold pack", "instructions": "Wrap it.", "minutes_min": "10",
            "minutes_max": "15"}
    edit, errors = check_part("timed", base | {"max_minutes": "15"})
    assert errors == {} and edit.max_minutes == 15
    assert check_part("timed", base | {"max_minutes": ""})[0].max_minutes is None
    _, errors = check_part("timed", base | {"max_minutes": "12"})
    assert errors["dose-minutes_max"].startswith("At most 12 minutes")
    assert check_part("timed", base | {"max_minutes": "0"})[1]["max_minutes"] == (
        "The safe ceiling is between 1 and 240 minutes.")
    assert "whole number" in check_part("timed", base | {"max_minutes": "ten"})[1][
        "max_minutes"]
    assert "Only a timed part" in check_part("advice", {
        "name": "Drink water", "instructions": "Often.", "max_minutes": "5"})[1]["max_minutes"]
    templates = [("Acute flare", Dose("timed", 10, 15)), ("Post-op", Dose("timed", 20))]
    assert ceiling_conflicts(20, templates) is None
    assert ceiling_conflicts(None, templates) is None
    assert ceiling_conflicts(15, templates).startswith(
        "The template “Post-op” gives this part 20 minutes at a time")
