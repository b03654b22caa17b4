"""Each list of allowed values has one owner, the domain; the database enforces the same list.

The models build their CHECK constraints from the domain's lists; the migrations wrote them
out by hand. A value added to the domain but not migrated (or the reverse) fails here
before it fails at a user's save.
"""

import re

import pytest
from sqlalchemy import text

from dashboard.db import models
from dashboard.domain import dose, episodes, measures, questionnaires, status, users

# (table, column) -> the domain's list, the one owner of the allowed values
OWNERS = {
    ("users", "role"): users.ROLES,
    ("users", "profession"): ("", *users.PROFESSIONS),
    ("strategy_parts", "dose_kind"): dose.DOSE_KINDS,
    ("plan_template_items", "dose_kind"): dose.DOSE_KINDS,
    ("plan_items", "dose_kind"): dose.DOSE_KINDS,
    ("questionnaire_answers", "instrument"): tuple(questionnaires.INSTRUMENTS),
    ("red_flag_answers", "answer"): tuple(episodes.ANSWERS),
    ("clients", "status"): tuple(status.STATUS_LABELS),
    ("clients", "episode_state"): tuple(episodes.EPISODE_STATE_LABELS),
    ("episodes", "referral_source"): tuple(episodes.REFERRAL_SOURCES),
    ("episodes", "discharge_reason"): tuple(episodes.DISCHARGE_REASONS),
    ("measure_assignments", "instrument"): tuple(measures.ASSIGNABLE),
    ("measure_assignments", "every"): tuple(measures.FREQUENCIES),
}


def _allowed_in_database(db, table: str, column: str) -> tuple[str, ...]:
    with db.read() as s:
        sql = s.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                        {"t": table}).scalar_one()
    found = re.search(rf"\b{column} IN \(([^)]*)\)", sql)
    assert found, f"no CHECK on {table}.{column}"
    return tuple(re.findall(r"'([^']*)'", found.group(1)))


@pytest.mark.parametrize(("table", "column"), list(OWNERS))
def test_the_migrated_database_allows_what_the_domain_allows(db, table, column):
    assert _allowed_in_database(db, table, column) == tuple(OWNERS[(table, column)])


@pytest.mark.parametrize(("model_list", "owner"), [
    (models.ROLES, users.ROLES), (models.DOSE_KINDS, dose.DOSE_KINDS),
    (models.INSTRUMENTS, questionnaires.INSTRUMENTS),
    (models.REFERRAL_SOURCES, episodes.REFERRAL_SOURCES),
    (models.DISCHARGE_REASONS, episodes.DISCHARGE_REASONS),
    (models.RED_FLAG_ANSWERS, episodes.ANSWERS), (models.STATUSES, status.STATUS_LABELS),
    (models.EPISODE_STATES, episodes.EPISODE_STATE_LABELS),
    (models.MEASURE_FREQUENCIES, measures.FREQUENCIES),
])
def test_the_models_constraints_use_the_domains_lists(model_list, owner):
    assert model_list == tuple(owner)


def test_a_new_value_in_the_domain_alone_would_fail(db, monkeypatch):
    monkeypatch.setattr(episodes, "DISCHARGE_REASONS",
                        {**episodes.DISCHARGE_REASONS, "moved_away": "Moved away"})
    assert _allowed_in_database(db, "episodes", "discharge_reason") != tuple(
        episodes.DISCHARGE_REASONS)
