"""client strategy keys: the current plan's strategies kept on the client

The clinic figures of a day group the clients seen that day by their current plan's
strategies, on every session or plan save. Joining each client's plan version for its
strategy keys took 2.7 ms of a save's SQL at ten times the large clinic; the keys are now
kept on the client beside ``current_plan_version_id`` by the summary, and filled here from
the plan versions already there; then the clinic figures are filled (issue 24).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 23:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session


revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_strategy_keys', sa.String(length=300),
                                      nullable=True))
    op.execute("UPDATE clients SET current_strategy_keys = (SELECT plan_versions.strategy_keys "
               "FROM plan_versions WHERE plan_versions.id = clients.current_plan_version_id) "
               "WHERE current_plan_version_id IS NOT NULL")
    # The clinic figures (made by 0021) filled from the rows already there, with the code
    # that keeps them up to date, which reads the column just added. A later migration
    # that changes what that code reads moves this fill to itself.
    from dashboard.db.clinic_figures import rebuild_clinic_figures
    session = Session(bind=op.get_bind())
    rebuild_clinic_figures(session)
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('current_strategy_keys')
