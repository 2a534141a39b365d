"""the content editor's inbox of unrecognised questions (anonymised, no link to a chat)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'inbox_items',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('text', STR(length=4000), nullable=False),
        sa.Column('text_hash', STR(length=64), nullable=False),
        sa.Column('lang', STR(length=2), nullable=False),
        sa.Column('reason', STR(length=16), nullable=False),
        sa.Column('intent', STR(length=64), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=True),
        sa.Column('content_version', sa.Integer(), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('state', STR(length=10), nullable=False),
        sa.Column('acted_by', STR(length=64), nullable=True),
        sa.Column('acted_at', TZ, nullable=True),
        sa.Column('added_to', STR(length=64), nullable=True),
    )
    op.create_index('ix_inbox_items_state_created', 'inbox_items', ['state', 'created_at'])
    op.create_index('ix_inbox_items_created', 'inbox_items', ['created_at'])
    op.create_index('ix_inbox_items_hash', 'inbox_items', ['text_hash', 'state'])


def downgrade() -> None:
    op.drop_index('ix_inbox_items_hash', table_name='inbox_items')
    op.drop_index('ix_inbox_items_created', table_name='inbox_items')
    op.drop_index('ix_inbox_items_state_created', table_name='inbox_items')
    op.drop_table('inbox_items')
