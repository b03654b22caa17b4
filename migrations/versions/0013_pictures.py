"""pictures of catalogue parts, kept by plan items

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 03:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'pictures',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=20), nullable=False),
        sa.Column('width', sa.Integer(), nullable=True),
        sa.Column('height', sa.Integer(), nullable=True),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_pictures_sha_len')),
        sa.CheckConstraint("media_type IN ('image/svg+xml', 'image/png', 'image/jpeg')",
                           name=op.f('ck_pictures_media_type')),
        sa.CheckConstraint('size_bytes > 0', name=op.f('ck_pictures_size_pos')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_pictures_created_by_id_users')),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_pictures')),
    )
    # Existing parts and plan items keep everything they had; they start without a
    # picture. `dashboard load-catalogue` (run by `dashboard setup` at every start) then
    # gives the catalogue's parts their drawings; plan items already given stay as given.
    with op.batch_alter_table('strategy_parts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('picture_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('picture_alt', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('picture_from_catalogue', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key(
            batch_op.f('fk_strategy_parts_picture_sha256_pictures'), 'pictures',
            ['picture_sha256'], ['sha256'])

    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('picture_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('picture_alt', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.create_foreign_key(
            batch_op.f('fk_plan_items_picture_sha256_pictures'), 'pictures',
            ['picture_sha256'], ['sha256'])


def downgrade() -> None:
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_items_picture_sha256_pictures'),
                                 type_='foreignkey')
        batch_op.drop_column('picture_alt')
        batch_op.drop_column('picture_sha256')

    with op.batch_alter_table('strategy_parts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_strategy_parts_picture_sha256_pictures'),
                                 type_='foreignkey')
        batch_op.drop_column('picture_from_catalogue')
        batch_op.drop_column('picture_alt')
        batch_op.drop_column('picture_sha256')

    op.drop_table('pictures')
