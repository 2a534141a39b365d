"""Evaluating and approving bot content before it is published (the content editor).

- `content_evaluations`: one row per "train and evaluate" run of the draft: its progress
  while it runs (any process can answer about it) and the result as JSON (cross-validated
  accuracy, per-intent precision and recall, the most confused pairs, the safety regression
  by language and the county's test set), for the draft and for the published version.
- `content_testsets`: the county's own test set (`lang<TAB>intent<TAB>text`, one row).
- `content_approvals`: a second editor's approval of one exact draft (by its digest); a
  change to a safety intent is published only with one from someone else.

None of these hold resident data: examples, answers and test sets are written by editors.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.models import timestamp, utcnow


class ContentEvaluation(SQLModel, table=True):
    __tablename__ = "content_evaluations"
    __table_args__ = (sa.Index("ix_content_evaluations_digest", "digest", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64)  # the evaluated draft's content digest
    published_version: int | None = None  # compared with
    testset_digest: str | None = Field(default=None, max_length=64)
    state: str = Field(max_length=16)  # running, done, failed
    done: int = 0
    total: int = 0
    stage: str = Field(default="", max_length=200)
    error: str | None = Field(default=None, max_length=2000)
    result: str | None = Field(default=None, sa_type=sa.Text)
    started_by: str = Field(max_length=64)
    started_at: datetime = timestamp(default_factory=utcnow)
    updated_at: datetime = timestamp(default_factory=utcnow)
    finished_at: datetime | None = timestamp(default=None, nullable=True)


class ContentTestset(SQLModel, table=True):
    __tablename__ = "content_testsets"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    text: str = Field(sa_type=sa.Text)
    digest: str = Field(max_length=64)
    rows: int
    uploaded_by: str = Field(max_length=64)
    uploaded_at: datetime = timestamp(default_factory=utcnow)


class ContentApproval(SQLModel, table=True):
    __tablename__ = "content_approvals"
    __table_args__ = (sa.UniqueConstraint("digest", "staff", name="uq_content_approvals"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64)
    staff: str = Field(max_length=64)
    at: datetime = timestamp(default_factory=utcnow)
