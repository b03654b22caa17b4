import datetime as dt

from dashboard.domain.dose import Dose
from dashboard.domain.plans import (
    GoalDraft,
    PartInfo,
    PlanDraft,
    PlanItemDraft,
    build_draft,
    diff_plans,
    parse_goals,
    parse_whole_number,
)

TODAY = dt.date(2026, 11, 25)
PARTS = {1: PartInfo(1, "Heat", "Heat or cold therapy", "timed"),
         2: PartInfo(2, "Bridge", "Stretch and strengthen", "exercise"),
         3: PartInfo(3, "Drink enough water", "Daily habits", "advice")}
HEAT = {"minutes_min": 15, "minutes_max": 20, "times_per_day": 2, "days_per_week": 7}


def test_a_sound_plan_has_no_errors():
    draft, errors = build_draft(PARTS, [1, 3], {1: HEAT, 3: {"days_per_week": 7}},
                                review=14, notes="Be gentle", goals=(), today=TODAY)
    assert errors == {}
    assert [i.part_name for i in draft.items] == ["Heat", "Drink enough water"]
    assert draft.items[0].dose == Dose("timed", 15, 20, times_per_day=2, days_per_week=7)


def test_nothing_chosen_is_refused():
    _, errors = build_draft(PARTS, [], {}, review=14, notes="", goals=(), today=TODAY)
    assert errors == {"items": "Choose at least one part of a strategy for the plan."}


def test_dose_errors_are_keyed_by_part_and_field():
    _, errors = build_draft(PARTS, [1, 2], {1: {**HEAT, "minutes_min": 500},
                                            2: {"sets": "2.5", "reps": 10}},
                            review=0, notes="", goals=(), today=TODAY)
    assert set(errors) == {"dose-1-minutes_min", "dose-2-sets", "review"}
    assert "between 1 and 240" in errors["dose-1-minutes_min"]


def test_part_ids_not_in_the_catalogue_are_refused():
    _, errors = build_draft(PARTS, [99], {}, review=14, notes="", goals=(), today=TODAY)
    assert "items" in errors


def test_goals_in_the_past_are_refused_unless_carried_over():
    goals, errors = parse_goals(3, "2026-01-01", "", None)
    assert errors == {}
    _, errors = build_draft(PARTS, [3], {3: {}}, review=14, notes="", goals=goals, today=TODAY)
    assert errors == {"goal-0-date": "The target date cannot be in the past."}
    _, errors = build_draft(PARTS, [3], {3: {}}, review=14, notes="", goals=goals, today=TODAY,
                            carried_goals=goals)
    assert errors == {}


def test_goal_slots_need_their_main_value():
    _, errors = parse_goals(None, "2027-01-01", "", "2027-01-01")
    assert set(errors) == {"goal-0-target", "goal-1-description"}
    goals, errors = parse_goals("2", None, "  Lift my daughter ", "2027-02-01")
    assert errors == {}
    assert goals == (GoalDraft("Pain at or below 2", 2, None),
                     GoalDraft("Lift my daughter", None, dt.date(2027, 2, 1)))
    _, errors = parse_goals(11, None, "", "not a date")
    assert "goal-1-date" in errors


def test_whole_numbers_from_forms():
    assert parse_whole_number("12", "x") == 12
    assert parse_whole_number(12.0, "x") == 12
    assert parse_whole_number("", "x") is None
    for bad in ("ten", 2.5, True, "1e9", [1]):
        try:
            parse_whole_number(bad, "x")
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_diff_reads_like_a_sentence():
    heat = PlanItemDraft(1, "Heat", "Heat or cold therapy",
                         Dose("timed", 15, 20, times_per_day=2, days_per_week=7))
    bridge = PlanItemDraft(2, "Bridge", "Stretch", Dose("exercise", sets=2, reps=10))
    water = PlanItemDraft(3, "Drink enough water", "Daily habits", Dose("advice"))
    old = PlanDraft((heat, bridge), 14, "notes", ())
    new = PlanDraft((PlanItemDraft(1, "Heat", "Heat or cold therapy",
                                   Dose("timed", 15, 20, times_per_day=3, days_per_week=7)),
                     water), 7, "notes", (GoalDraft("Pain at or below 3", 3, None),))
    assert diff_plans(old, new) == [
        "Heat: 15-20 minutes, twice a day, every day → 15-20 minutes, 3 times a day, every day",
        "Added Drink enough water (As advised)",
        "Removed Bridge",
        "Review every 14 → 7 days",
        "Goal added: Pain at or below 3",
    ]
    assert diff_plans(old, old) == []
    assert diff_plans(None, old)[0].startswith("Added Heat")


def test_a_pain_goal_names_its_scale_for_the_client():
    from dashboard.domain.plans import goal_wording

    assert goal_wording("Pain at or below 3", 3) == "Pain at or below 3 out of 10"
    assert goal_wording("Carry my shopping", None) == "Carry my shopping"
