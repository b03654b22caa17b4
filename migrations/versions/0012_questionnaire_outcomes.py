"""questionnaire outcomes: reliable change and recovery per episode and client

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 03:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCORES = ("baseline_phq9", "discharge_phq9", "baseline_gad7", "discharge_gad7",
          "baseline_pss10", "discharge_pss10")


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        for name in SCORES:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reliable_change', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('recovered', sa.Boolean(), nullable=True))
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reliable_change', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('recovered', sa.Boolean(), nullable=True))
    # Fill them for the rows already there with the same code the app uses (core SQL on
    # named columns, the scoring and the categories from the domain).
    from dashboard.db.outcomes import refresh_all_questionnaire_outcomes
    session = Session(bind=op.get_bind())
    # Home questionnaires (0014) did not exist yet at this revision.
    refresh_all_questionnaire_outcomes(session, with_home=False)
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('recovered')
        batch_op.drop_column('reliable_change')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('recovered')
        batch_op.drop_column('reliable_change')
        for name in reversed(SCORES):
            batch_op.drop_column(name)
