"""alert answer and goal override (issue 17): the item 9 answer a safety alert was raised
for (one alert per answer of a session; kept when an incomplete PHQ-9 was not), and the
reason a goal's verdict at discharge overrides its scores

Existing alerts get the item 9 answer their session holds.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 04:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer', sa.Integer(), nullable=True))
    op.execute("UPDATE safety_alerts SET answer = (SELECT value FROM questionnaire_answers "
               "WHERE questionnaire_answers.session_id = safety_alerts.session_id "
               "AND instrument = 'PHQ9' AND item = 9)")
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('met_override', sa.Text(), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_column('met_override')
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.drop_column('answer')
