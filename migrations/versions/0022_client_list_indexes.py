"""client list indexes: an admin's lists over the whole clinic read up to their first page

The home page's sections and the client list, for an admin, list every client of the
clinic in one of three orders (name, next due, latest pain among one status); with these
indexes the database reads each list in its order and stops at its first page instead of
sorting the clinic (issue 24: an admin's home at ten times the large clinic).

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 21:30:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index('ix_clients_family_given', ['family_name', 'given_name', 'id'],
                              unique=False)
        batch_op.create_index('ix_clients_next_due_on', ['next_due_on', 'id'], unique=False)
        batch_op.create_index('ix_clients_status_latest_pain', ['status', 'latest_pain'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index('ix_clients_status_latest_pain')
        batch_op.drop_index('ix_clients_next_due_on')
        batch_op.drop_index('ix_clients_family_given')
