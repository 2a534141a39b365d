"""statistics: anonymised chat rows and turns, phone calls; the bot's intent per resident
message; transfer counts; a hash chain over the audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'chat_stats',
        sa.Column('chat_id', STR(length=32), primary_key=True),
        sa.Column('lang', STR(length=2), nullable=False),
        sa.Column('municipality', STR(length=100), nullable=True),
        sa.Column('queue', STR(length=64), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('handoff_at', TZ, nullable=True),
        sa.Column('queued_at', TZ, nullable=True),
        sa.Column('first_accepted_at', TZ, nullable=True),
        sa.Column('closed_at', TZ, nullable=False),
        sa.Column('closed_by', STR(length=10), nullable=True),
        sa.Column('handled_by', STR(length=16), nullable=False),
        sa.Column('priority', sa.Boolean(), nullable=False),
        sa.Column('wait_s', sa.Float(), nullable=True),
        sa.Column('first_response_s', sa.Float(), nullable=True),
        sa.Column('duration_s', sa.Float(), nullable=True),
        sa.Column('topic', STR(length=64), nullable=True),
        sa.Column('safety_topic', STR(length=64), nullable=True),
        sa.Column('tag_topics', STR(length=1000), nullable=True),
        sa.Column('outcome', STR(length=32), nullable=True),
        sa.Column('transfers', sa.Integer(), nullable=False),
        sa.Column('resident_messages', sa.Integer(), nullable=False),
        sa.Column('bot_messages', sa.Integer(), nullable=False),
        sa.Column('staff_messages', sa.Integer(), nullable=False),
        sa.Column('fallbacks', sa.Integer(), nullable=False),
        sa.Column('feedback_score', sa.Integer(), nullable=True),
        sa.Column('content_version', sa.Integer(), nullable=True),
        sa.Column('anonymised_at', TZ, nullable=False),
    )
    op.create_index('ix_chat_stats_closed', 'chat_stats', ['closed_at'])
    op.create_index('ix_chat_stats_created', 'chat_stats', ['created_at'])
    op.create_table(
        'chat_stats_messages',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('chat_id', STR(length=32), sa.ForeignKey('chat_stats.chat_id'), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('author', STR(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('intent', STR(length=64), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.UniqueConstraint('chat_id', 'seq', name='uq_stats_messages_chat_seq'),
    )
    op.create_index('ix_chat_stats_messages_chat_id', 'chat_stats_messages', ['chat_id'])
    op.create_table(
        'phone_calls',
        sa.Column('day', sa.Date(), primary_key=True),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('updated_by', STR(length=32), nullable=True),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intent', STR(length=64), nullable=True))
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfers', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', STR(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', STR(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.drop_column('transfers')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('confidence')
        batch_op.drop_column('intent')
    op.drop_table('phone_calls')
    op.drop_index('ix_chat_stats_messages_chat_id', table_name='chat_stats_messages')
    op.drop_table('chat_stats_messages')
    op.drop_index('ix_chat_stats_created', table_name='chat_stats')
    op.drop_index('ix_chat_stats_closed', table_name='chat_stats')
    op.drop_table('chat_stats')
