"""The content editor's inbox of unrecognised questions (issue 12).

One row per resident message the bot did not understand (`reason` "fallback": the turn fell
to nlu_fallback) or after whose answer the resident asked for a person ("asked_for_person").
`text` went through the anonymiser before it was written; nothing here links back to a chat
(no chat id, no seq, no token): editors see this inbox, never transcripts. `text_hash` is the
SHA-256 of the normalised anonymised text, so a message equal to a dismissed one is stored
as dismissed. Rows older than NEUVO_INBOX_RETENTION_DAYS are purged with the other
retention work.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.models import timestamp, utcnow

STATES = ("new", "dismissed", "added")
REASONS = ("fallback", "asked_for_person")


class InboxItem(SQLModel, table=True):
    __tablename__ = "inbox_items"
    __table_args__ = (sa.Index("ix_inbox_items_state_created", "state", "created_at"),
                      sa.Index("ix_inbox_items_created", "created_at"),
                      sa.Index("ix_inbox_items_hash", "text_hash", "state"))

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=4000)  # anonymised
    text_hash: str = Field(max_length=64)
    lang: str = Field(max_length=2)
    reason: str = Field(max_length=16)  # fallback | asked_for_person
    intent: str | None = Field(default=None, max_length=64)  # what the bot predicted
    confidence: float | None = None
    content_version: int | None = None
    created_at: datetime = timestamp(default_factory=utcnow)
    state: str = Field(default="new", max_length=10)  # new | dismissed | added
    acted_by: str | None = Field(default=None, max_length=64)  # editor's username
    acted_at: datetime | None = timestamp(default=None)
    added_to: str | None = Field(default=None, max_length=64)  # the intent it was added to
