"""home questionnaires counted in the figures already stored

Questionnaires completed at home (0014) were first stored without counting in the
episode's questionnaire figures; the code that counts them (the client's reliable change
and recovery, the figures frozen at discharge) ran only when a client saved again. This
fills those figures for every client with a questionnaire completed at home, with the same
code the app uses: a client who never came back, or an episode discharged in between, is
counted as it would be now. Data only: nothing to undo.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 09:35:00
"""
from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Core SQL on the columns that exist at this revision (db/outcomes.py says so).
    from dashboard.db.outcomes import refresh_all_questionnaire_outcomes

    session = Session(bind=op.get_bind())
    refresh_all_questionnaire_outcomes(session, with_home=True, home_clients_only=True)
    session.flush()


def downgrade() -> None:
    pass
