"""clinical (issue 17, items 5, 8, 9): the PSFS change on the same activities, overrides of
an open urgent red flag, doses past a part's ceiling

- episodes: how many activities the frozen function figures compare, and how many were
  left out (replaced mid-episode). Episodes discharged before keep NULL/0: unknown.
- plan_items: the part's ceiling as given (the handout reads the plan's own copy, never
  today's catalogue; existing items get their part's ceiling now) and the reason a dose goes
  past it ('' for none).
- plan_versions and handouts: the reason given for saving or giving while an urgent red
  flag was open ('' for none).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 06:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('function_compared', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('function_left_out', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('over_ceiling_reason', sa.Text(), server_default='',
                                      nullable=False))
    op.execute("UPDATE plan_items SET max_minutes = (SELECT strategy_parts.max_minutes "
               "FROM strategy_parts WHERE strategy_parts.id = plan_items.part_id)")
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('red_flag_override', sa.Text(), server_default='',
                                      nullable=False))
    with op.batch_alter_table('handouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('red_flag_override', sa.Text(), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('handouts', schema=None) as batch_op:
        batch_op.drop_column('red_flag_override')
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.drop_column('red_flag_override')
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_column('over_ceiling_reason')
        batch_op.drop_column('max_minutes')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('function_left_out')
        batch_op.drop_column('function_compared')
