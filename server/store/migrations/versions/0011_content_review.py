"""content evaluations, the county's test set and second-editor approvals

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'content_evaluations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('digest', STR(length=64), nullable=False),
        sa.Column('published_version', sa.Integer(), nullable=True),
        sa.Column('testset_digest', STR(length=64), nullable=True),
        sa.Column('state', STR(length=16), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('stage', STR(length=200), nullable=False),
        sa.Column('error', STR(length=2000), nullable=True),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('started_by', STR(length=64), nullable=False),
        sa.Column('started_at', TZ, nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('finished_at', TZ, nullable=True),
    )
    op.create_index('ix_content_evaluations_digest', 'content_evaluations', ['digest', 'id'])
    op.create_table(
        'content_testsets',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('digest', STR(length=64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('uploaded_by', STR(length=64), nullable=False),
        sa.Column('uploaded_at', TZ, nullable=False),
    )
    op.create_table(
        'content_approvals',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('digest', STR(length=64), nullable=False),
        sa.Column('staff', STR(length=64), nullable=False),
        sa.Column('at', TZ, nullable=False),
        sa.UniqueConstraint('digest', 'staff', name='uq_content_approvals'),
    )


def downgrade() -> None:
    op.drop_table('content_approvals')
    op.drop_table('content_testsets')
    op.drop_index('ix_content_evaluations_digest', table_name='content_evaluations')
    op.drop_table('content_evaluations')
