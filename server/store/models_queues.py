"""Service queues (routing between a county's chat services).

- `service_queues`: each chat service (adult social work, family centre, …) with its names
  and descriptions in fi/sv/en, its own service hours (null: the service hours every queue
  without its own uses, i.e. today's single setting), an announcement, the bot topics routed
  to it, and whether safety cues go to it (`crisis`). The queue `default` always exists
  (migration 0013 creates it and moves every chat into it), so an installation without
  configuration works as before.
- `queue_members`: which staff belong to which queue; a staff member in no queue serves the
  default queue.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.models import timestamp, utcnow

DEFAULT_QUEUE = "default"


class ServiceQueue(SQLModel, table=True):
    __tablename__ = "service_queues"

    id: str = Field(primary_key=True, max_length=32)
    position: int = 0
    names: str = Field(sa_type=sa.Text)  # JSON, texts by language
    descriptions: str = Field(sa_type=sa.Text)  # JSON, texts by language
    hours: str | None = Field(default=None, sa_type=sa.Text)  # JSON (service_config format)
    announcement: str | None = Field(default=None, sa_type=sa.Text)  # JSON, texts by language
    topics: str = Field(default="[]", sa_type=sa.Text)  # JSON list of bot intents
    crisis: bool = False
    public: bool = True
    revision: int = 1
    updated_at: datetime = timestamp(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=32)


class QueueMember(SQLModel, table=True):
    __tablename__ = "queue_members"

    queue_id: str = Field(primary_key=True, max_length=32, foreign_key="service_queues.id")
    staff_id: str = Field(primary_key=True, max_length=32, foreign_key="staff.id", index=True)
