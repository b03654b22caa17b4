"""client search name: each client's name folded (lower case, no accents) for search

One new column, filled for every existing client with the app's own folding
(dashboard.domain.text.folded_name), so "Zoe" finds a stored "Zoë" on SQLite and
PostgreSQL alike. Names themselves are unchanged.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 07:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=201), nullable=False,
                                      server_default=''))
    from dashboard.domain.text import folded_name
    bind = op.get_bind()
    clients = sa.table('clients', sa.column('id', sa.Integer),
                       sa.column('given_name', sa.String), sa.column('family_name', sa.String),
                       sa.column('search_name', sa.String))
    rows = bind.execute(sa.select(clients.c.id, clients.c.given_name,
                                  clients.c.family_name)).all()
    if rows:
        bind.execute(clients.update().where(clients.c.id == sa.bindparam('client_id'))
                     .values(search_name=sa.bindparam('folded')),
                     [{'client_id': cid, 'folded': folded_name(given, family)}
                      for cid, given, family in rows])


def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('search_name')
