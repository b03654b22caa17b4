"""The template editor sets each part's dose (issue 19): saved and audited, bad input named
beside its part with nothing changed, the ceiling kept, and a plan made from the template
starts with the template's doses."""

import json

from sqlalchemy import select

from dashboard.db.catalogue import template_doses
from dashboard.db.models import AuditEntry, PlanTemplate, StrategyPart
from dashboard.pages.ids import admin_templates as tpl_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN


def part_ids(db) -> dict[str, int]:
    with db.read() as s:
        return {k: s.scalar(select(StrategyPart.id).where(StrategyPart.key == k))
                for k in ("heat", "bridge")}


def dose_fields(part: int, **values: str) -> list:
    return [({"type": tpl_ids.DOSE, "part": part, "field": name}, value)
            for name, value in values.items()]


def form(parts: list[int], doses: list) -> dict:
    return {f"{tpl_ids.FORM}.n_submit": 1, f"{tpl_ids.CHOICE}.value": "new",
            f"{tpl_ids.NAME}.value": "Evening routine", f"{tpl_ids.DESCRIPTION}.value": "",
            f"{tpl_ids.REVIEW}.value": "14", f"{tpl_ids.RETIRED}.value": False,
            f"{tpl_ids.PARTS}.value": parts, tpl_ids.DOSE: doses,
            tpl_ids.PART_ERROR: [({"type": tpl_ids.PART_ERROR, "part": p}, None)
                                 for p in parts]}


def saved_template(db):
    with db.read() as s:
        return s.scalar(select(PlanTemplate).where(PlanTemplate.name == "Evening routine"))


def test_a_template_keeps_the_doses_the_admin_set_and_a_plan_starts_with_them(
        http, db, sqlite_people):
    parts = part_ids(db)
    heat, bridge = parts["heat"], parts["bridge"]
    login(http, ADMIN)
    doses = (dose_fields(heat, minutes_min="10", minutes_max="12", times_per_day="3",
                         days_per_week="5")
             + dose_fields(bridge, sets="4", reps="8", hold_seconds="", times_per_day="1",
                           days_per_week="3"))
    body = invoke(http, tpl_ids.RESULT, form([heat, bridge], doses)).get_data(as_text=True)
    assert "Saved" in body
    template = saved_template(db)
    with db.read() as s:
        applied = template_doses(s, template_id=template.id)
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "template_saved"))
    # What the plan builder fills in when a practitioner uses the template.
    heat_dose, bridge_dose = applied.doses[heat], applied.doses[bridge]
    assert (heat_dose.minutes_min, heat_dose.minutes_max, heat_dose.times_per_day,
            heat_dose.days_per_week) == (10, 12, 3, 5)
    assert (bridge_dose.sets, bridge_dose.reps, bridge_dose.days_per_week) == (4, 8, 3)
    detail = json.loads(entry.detail)
    assert any(line.startswith("Heat: 10-12 minutes") for line in detail["doses_changed"])


def test_bad_doses_are_named_beside_their_part_and_nothing_is_saved(http, db, sqlite_people):
    parts = part_ids(db)
    heat, bridge = parts["heat"], parts["bridge"]
    login(http, ADMIN)
    doses = (dose_fields(heat, minutes_min="15", minutes_max="25", times_per_day="2",
                         days_per_week="7")
             + dose_fields(bridge, sets="lots", reps="8", hold_seconds="", times_per_day="1",
                           days_per_week="3"))
    response = invoke(http, tpl_ids.RESULT, form([heat, bridge], doses)).get_json()
    messages = {json.loads(k)["part"]: v["children"] for k, v in response["response"].items()
                if tpl_ids.PART_ERROR in k}
    assert messages[heat].startswith("At most 20 minutes at a time for this part")
    assert messages[bridge] == "Sets must be a whole number."
    assert "Not saved" in json.dumps(response)
    assert saved_template(db) is None
