"""service queues: several chat services with their own hours and staff; every existing chat
moves into the default queue

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:00:00
"""
from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString
NAMES = {"fi": "Aikuissosiaalityö", "sv": "Socialt arbete för vuxna", "en": "Adult social work"}
DESCRIPTIONS = {
    "fi": "Neuvontaa ja tukea aikuisten sosiaalipalveluissa.",
    "sv": "Rådgivning och stöd i socialservicen för vuxna.",
    "en": "Advice and support in social services for adults.",
}


def upgrade() -> None:
    queues = op.create_table(
        'service_queues',
        sa.Column('id', STR(length=32), primary_key=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('names', sa.Text(), nullable=False),
        sa.Column('descriptions', sa.Text(), nullable=False),
        sa.Column('hours', sa.Text(), nullable=True),
        sa.Column('announcement', sa.Text(), nullable=True),
        sa.Column('topics', sa.Text(), nullable=False),
        sa.Column('crisis', sa.Boolean(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('updated_by', STR(length=32), nullable=True),
    )
    op.create_table(
        'queue_members',
        sa.Column('queue_id', STR(length=32), sa.ForeignKey('service_queues.id'), primary_key=True),
        sa.Column('staff_id', STR(length=32), sa.ForeignKey('staff.id'), primary_key=True),
    )
    op.create_index('ix_queue_members_staff_id', 'queue_members', ['staff_id'])
    # The default queue keeps today's behaviour: the service hours setting, every topic that
    # no other queue takes, the safety cues, and every staff member who belongs to no queue.
    op.bulk_insert(queues, [{
        'id': 'default', 'position': 0, 'names': json.dumps(NAMES, ensure_ascii=False),
        'descriptions': json.dumps(DESCRIPTIONS, ensure_ascii=False), 'hours': None,
        'announcement': None, 'topics': '[]', 'crisis': True, 'public': True, 'revision': 1,
        'updated_at': datetime.now(UTC), 'updated_by': None}])
    with op.batch_alter_table('chats') as batch:
        batch.add_column(sa.Column('queue', STR(length=32), nullable=False,
                                   server_default='default'))
        batch.add_column(sa.Column('entry_queue', STR(length=32), nullable=False,
                                   server_default='default'))
        batch.add_column(sa.Column('queue_moves', sa.Integer(), nullable=False,
                                   server_default='0'))
    with op.batch_alter_table('chat_stats') as batch:
        batch.add_column(sa.Column('entry_queue', STR(length=64), nullable=True))
        batch.add_column(sa.Column('queue_moved', STR(length=3), nullable=True))
    op.execute("UPDATE chat_stats SET queue = 'default', entry_queue = 'default', "
               "queue_moved = 'no' WHERE queue IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('chat_stats') as batch:
        batch.drop_column('queue_moved')
        batch.drop_column('entry_queue')
    with op.batch_alter_table('chats') as batch:
        batch.drop_column('queue_moves')
        batch.drop_column('entry_queue')
        batch.drop_column('queue')
    op.drop_index('ix_queue_members_staff_id', table_name='queue_members')
    op.drop_table('queue_members')
    op.drop_table('service_queues')
