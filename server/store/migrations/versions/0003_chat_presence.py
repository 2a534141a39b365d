"""chats: sticky safety topic, resident presence and last activity (abandoned and idle chats)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:05:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety_topic', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('resident_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resident_away', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_chats_state_activity', ['state', 'last_activity_at'], unique=False)
    # Chats that exist already: their last activity is their creation (good enough for idling).
    op.execute("UPDATE chats SET last_activity_at = created_at WHERE last_activity_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.drop_index('ix_chats_state_activity')
        batch_op.drop_column('last_activity_at')
        batch_op.drop_column('resident_away')
        batch_op.drop_column('resident_seen_at')
        batch_op.drop_column('safety_topic')
