"""The bot's content in the database (the content editor, issue 12).

- `content_versions`: every published version, immutable, numbered from 1 (version 1 is the
  shipped `bot/` project, imported on first start). The highest number is the live one; a
  rollback publishes an old version's content again under a new number.
- `content_draft`: the one draft editors change (a single row; `seq` grows with every save,
  so a save is one conditional UPDATE). Per-intent revision numbers live inside the draft.
- `content_changes`: who changed what and when, per intent; `version` is set when the change
  is published.

Content is the JSON of `bot.content` (no resident data: examples and answers are written by
editors).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.models import timestamp, utcnow


class ContentVersion(SQLModel, table=True):
    __tablename__ = "content_versions"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    content: str = Field(sa_type=sa.Text)
    digest: str = Field(max_length=64)
    created_at: datetime = timestamp(default_factory=utcnow)
    created_by: str = Field(max_length=64)  # staff username, or "system" for the import
    note: str = Field(default="", max_length=500)
    restored_from: int | None = None


class ContentDraft(SQLModel, table=True):
    __tablename__ = "content_draft"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    content: str = Field(sa_type=sa.Text)
    based_on: int = 0  # the version the draft started from
    updated_at: datetime = timestamp(default_factory=utcnow)


class ContentChange(SQLModel, table=True):
    __tablename__ = "content_changes"
    __table_args__ = (sa.Index("ix_content_changes_intent", "intent", "id"),
                      sa.Index("ix_content_changes_version", "version"))

    id: int | None = Field(default=None, primary_key=True)
    intent: str = Field(max_length=64)
    action: str = Field(max_length=16)  # create, update, rename, delete, import
    summary: str = Field(max_length=500)
    staff: str = Field(max_length=64)
    at: datetime = timestamp(default_factory=utcnow)
    version: int | None = None
