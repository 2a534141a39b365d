"""the bot content version that read each resident message (and its statistics turn)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.add_column(sa.Column('content_version', sa.Integer(), nullable=True))
    with op.batch_alter_table('chat_stats_messages') as batch:
        batch.add_column(sa.Column('content_version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chat_stats_messages') as batch:
        batch.drop_column('content_version')
    with op.batch_alter_table('messages') as batch:
        batch.drop_column('content_version')
