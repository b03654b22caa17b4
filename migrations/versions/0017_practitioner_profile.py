"""practitioner profile: profession and the name printed on handouts

Two new columns on users, empty for every existing account (the account's name is printed,
no profession), with a CHECK of the professions the app offers. No existing row changes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 07:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROFESSIONS = ('', 'physical_therapist', 'mental_health_therapist', 'other')


def upgrade() -> None:
    quoted = ", ".join(f"'{p}'" for p in PROFESSIONS)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profession', sa.String(length=30), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('handout_name', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.create_check_constraint('profession', f"profession IN ({quoted})")


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('profession', type_='check')
        batch_op.drop_column('handout_name')
        batch_op.drop_column('profession')
