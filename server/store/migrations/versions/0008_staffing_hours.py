"""staffing history for the statistics heat map: workers on duty per hour

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'staffing_hours',
        sa.Column('hour_start', TZ, primary_key=True),
        sa.Column('samples', sa.Integer(), nullable=False),
        sa.Column('staff_sum', sa.Integer(), nullable=False),
        sa.Column('last_minute', TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table('staffing_hours')
