"""SQLModel tables. The database is the source of truth; the bus only carries live copies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def TZ() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def timestamp(**kwargs: Any) -> Any:
    """A timezone-aware timestamp column (SQLModel's Field stubs do not take a type factory)."""
    return Field(sa_type=TZ, **kwargs)  # type: ignore[call-overload]


class Chat(SQLModel, table=True):
    __tablename__ = "chats"
    __table_args__ = (sa.Index("ix_chats_queue", "state", "priority", "queued_at"),
                      sa.Index("ix_chats_staff_state", "staff_id", "state"),
                      sa.Index("ix_chats_state_activity", "state", "last_activity_at"))

    id: str = Field(primary_key=True, max_length=32)
    token_hash: str = Field(max_length=64)
    lang: str = Field(max_length=2)
    municipality: str | None = Field(default=None, max_length=100)
    state: str = Field(default="bot", max_length=10)
    priority: bool = False
    requeued: bool = False
    topic: str | None = Field(default=None, max_length=64)
    fallback_streak: int = 0
    last_seq: int = 0
    resident_read_seq: int = 0
    staff_read_seq: int = 0
    staff_id: str | None = Field(default=None, max_length=32, foreign_key="staff.id", index=True)
    created_at: datetime = timestamp(default_factory=utcnow)
    handoff_at: datetime | None = timestamp(default=None)
    queued_at: datetime | None = timestamp(default=None)
    accepted_at: datetime | None = timestamp(default=None)
    first_accepted_at: datetime | None = timestamp(default=None)
    closed_at: datetime | None = timestamp(default=None)
    # resident, staff or system (abandoned in the queue, idle bot chat)
    closed_by: str | None = Field(default=None, max_length=10)
    # The first safety intent the bot detected: the chat keeps its priority and this topic
    # until it is closed, whatever is said after it.
    safety_topic: str | None = Field(default=None, max_length=64)
    # When a resident socket of this chat was last known to be open (heartbeat of each process
    # for queued and active chats); a queued chat left alone too long is abandoned.
    resident_seen_at: datetime | None = timestamp(default=None)
    # The assigned staff member has been told the resident has left (chat.presence).
    resident_away: bool = False
    # The last message in the chat (any author); bot-only chats idle too long are closed.
    last_activity_at: datetime | None = timestamp(default=None)
    tag_topics: str | None = Field(default=None, max_length=1000)
    outcome: str | None = Field(default=None, max_length=32)
    referred_to: str | None = Field(default=None, max_length=200)
    # How many times the chat moved from one person (or queue) to another.
    transfers: int = 0
    # The service queue the chat is in (routing, issue 13) and the one it started in (the
    # widget's data-queue, else the default): statistics count residents who came in by the
    # wrong door. `queue_moves` counts moves between queues.
    queue: str = Field(default="default", max_length=32)
    entry_queue: str = Field(default="default", max_length=32)
    queue_moves: int = 0


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (sa.UniqueConstraint("chat_id", "seq", name="uq_messages_chat_seq"),
                      sa.UniqueConstraint("chat_id", "client_msg_id", name="uq_messages_chat_cmid"))

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(foreign_key="chats.id", max_length=32)
    seq: int
    author: str = Field(max_length=10)
    author_name: str | None = Field(default=None, max_length=100)
    text: str = Field(sa_type=sa.Text)
    buttons: str | None = Field(default=None, sa_type=sa.Text)
    client_msg_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp(default_factory=utcnow)
    # On a resident message: what the bot understood (None when the bot did not answer it).
    intent: str | None = Field(default=None, max_length=64)
    confidence: float | None = None
    content_version: int | None = None  # the bot content version that read this message


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: str = Field(primary_key=True, max_length=32)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=100)
    password_hash: str = Field(max_length=200)
    roles: str = Field(default="staff", max_length=100)
    capacity: int = 3
    languages: str = Field(default="fi", max_length=20)
    active: bool = True
    created_at: datetime = timestamp(default_factory=utcnow)

    # Roles and languages are stored comma-separated; these are the one place that splits.
    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    @property
    def language_list(self) -> list[str]:
        return [lang for lang in self.languages.split(",") if lang]


class StaffSession(SQLModel, table=True):
    __tablename__ = "staff_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    staff_id: str = Field(foreign_key="staff.id", max_length=32, index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = timestamp(default_factory=utcnow)
    expires_at: datetime = timestamp()


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"

    chat_id: str = Field(primary_key=True, foreign_key="chats.id", max_length=32)
    score: int
    comment: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = timestamp(default_factory=utcnow)


class InternalNote(SQLModel, table=True):
    """Notes between staff (e.g. on transfer); never shown to the resident."""

    __tablename__ = "internal_notes"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(foreign_key="chats.id", max_length=32, index=True)
    staff_id: str = Field(foreign_key="staff.id", max_length=32)
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = timestamp(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Who opened, transferred or exported which transcript, and when. Tamper-evident: each
    entry's `entry_hash` covers its own fields and the previous entry's hash (`prev_hash`)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp(default_factory=utcnow, index=True)
    staff_id: str = Field(max_length=32, index=True)
    action: str = Field(max_length=32)
    chat_id: str | None = Field(default=None, max_length=32, index=True)
    detail: str | None = Field(default=None, max_length=500)
    prev_hash: str | None = Field(default=None, max_length=64)
    entry_hash: str | None = Field(default=None, max_length=64)


class CannedReply(SQLModel, table=True):
    """A ready-made answer staff can insert; managed by supervisors."""

    __tablename__ = "canned_replies"

    id: int | None = Field(default=None, primary_key=True)
    lang: str = Field(max_length=2, index=True)
    title: str = Field(max_length=100)
    text: str = Field(sa_type=sa.Text)
    updated_at: datetime = timestamp(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=32)


class ConsultThread(SQLModel, table=True):
    """An anonymised excerpt sent to all on-duty staff for advice. `chat_id` is for audit only."""

    __tablename__ = "consult_threads"

    id: str = Field(primary_key=True, max_length=32)
    created_at: datetime = timestamp(default_factory=utcnow, index=True)
    staff_id: str = Field(foreign_key="staff.id", max_length=32)
    chat_id: str = Field(foreign_key="chats.id", max_length=32)
    lang: str = Field(max_length=2)
    topic: str | None = Field(default=None, max_length=64)
    text: str = Field(sa_type=sa.Text)


class ConsultReply(SQLModel, table=True):
    __tablename__ = "consult_replies"

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(foreign_key="consult_threads.id", max_length=32, index=True)
    staff_id: str = Field(foreign_key="staff.id", max_length=32)
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = timestamp(default_factory=utcnow)


class ServiceSetting(SQLModel, table=True):
    """Settings supervisors change at run time (service hours, announcement), as JSON."""

    __tablename__ = "service_settings"

    key: str = Field(primary_key=True, max_length=32)
    value: str = Field(sa_type=sa.Text)
    updated_at: datetime = timestamp(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=32)
