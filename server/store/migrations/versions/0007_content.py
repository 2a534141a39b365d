"""bot content in the database: published versions, the editors' draft, the change history

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'content_versions',
        sa.Column('version', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('digest', STR(length=64), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('created_by', STR(length=64), nullable=False),
        sa.Column('note', STR(length=500), nullable=False),
        sa.Column('restored_from', sa.Integer(), nullable=True),
    )
    op.create_table(
        'content_draft',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('based_on', sa.Integer(), nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
    )
    op.create_table(
        'content_changes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('intent', STR(length=64), nullable=False),
        sa.Column('action', STR(length=16), nullable=False),
        sa.Column('summary', STR(length=500), nullable=False),
        sa.Column('staff', STR(length=64), nullable=False),
        sa.Column('at', TZ, nullable=False),
        sa.Column('version', sa.Integer(), nullable=True),
    )
    op.create_index('ix_content_changes_intent', 'content_changes', ['intent', 'id'])
    op.create_index('ix_content_changes_version', 'content_changes', ['version'])


def downgrade() -> None:
    op.drop_index('ix_content_changes_version', table_name='content_changes')
    op.drop_index('ix_content_changes_intent', table_name='content_changes')
    op.drop_table('content_changes')
    op.drop_table('content_draft')
    op.drop_table('content_versions')
