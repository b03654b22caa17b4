"""part dose ceilings: each catalogue part carries its own safe limit of minutes a time

Heat at most 20 minutes at a time and cold at most 15 (the seed); existing catalogues get
the two ceilings by part key, as data/strategies.toml gives them to a new one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 04:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CEILINGS = {"heat": 20, "cold": 15}


def upgrade() -> None:
    with op.batch_alter_table('strategy_parts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_minutes', sa.Integer(), nullable=True))
    parts = sa.table('strategy_parts', sa.column('key', sa.String),
                     sa.column('max_minutes', sa.Integer))
    for key, minutes in CEILINGS.items():
        op.execute(parts.update().where(parts.c.key == key).values(max_minutes=minutes))


def downgrade() -> None:
    with op.batch_alter_table('strategy_parts', schema=None) as batch_op:
        batch_op.drop_column('max_minutes')
