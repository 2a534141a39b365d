"""the county's service directory: service points and their change history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'service_points',
        sa.Column('id', STR(length=32), primary_key=True),
        sa.Column('name_fi', STR(length=200), nullable=False),
        sa.Column('name_sv', STR(length=200), nullable=False),
        sa.Column('name_en', STR(length=200), nullable=False),
        sa.Column('type', STR(length=40), nullable=False),
        sa.Column('municipality', STR(length=60), nullable=False),
        sa.Column('address', STR(length=200), nullable=False),
        sa.Column('hours_fi', STR(length=200), nullable=False),
        sa.Column('hours_sv', STR(length=200), nullable=False),
        sa.Column('hours_en', STR(length=200), nullable=False),
        sa.Column('phone', STR(length=40), nullable=False),
        sa.Column('web', STR(length=300), nullable=False),
        sa.Column('languages', STR(length=12), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('updated_by', STR(length=64), nullable=False),
    )
    op.create_index('ix_service_points_place', 'service_points', ['municipality', 'type'])
    op.create_table(
        'service_point_changes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('point_id', STR(length=32), nullable=False),
        sa.Column('action', STR(length=16), nullable=False),
        sa.Column('summary', STR(length=500), nullable=False),
        sa.Column('staff', STR(length=64), nullable=False),
        sa.Column('at', TZ, nullable=False),
    )
    op.create_index('ix_service_point_changes_point', 'service_point_changes',
                    ['point_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_service_point_changes_point', table_name='service_point_changes')
    op.drop_table('service_point_changes')
    op.drop_index('ix_service_points_place', table_name='service_points')
    op.drop_table('service_points')
