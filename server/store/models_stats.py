"""What is kept for statistics: one anonymised row per finished chat, its anonymised turns,
and the daily phone-call counts supervisors upload. Nothing here may hold personal data: the
texts went through the anonymiser (server/privacy) before they were written, and there is no
resident token, no staff name and no free-text comment in these tables.

The raw tables (`messages`, `internal_notes`, `feedback.comment`) are purged after
NEUVO_RAW_RETENTION_DAYS; these rows stay and are what the statistics read.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.models import timestamp, utcnow


class ChatStats(SQLModel, table=True):
    """One row per chat that ended (closed by anyone, abandoned in the bot or in the queue).

    `handled_by` is exactly one of:
      - "bot": the bot answered and the chat ended without a handoff request (containment);
      - "staff": a person accepted the chat at least once;
      - "abandoned_queue": a handoff was requested but no person accepted before it ended.
    So containment + handoff = 100 % of chats the bot started (handoff = staff + abandoned_queue).
    Times are UTC; `wait_s` is queued → first accepted (None if never accepted);
    `first_response_s` is first accepted → the first message a person wrote (bot replies never
    count); `duration_s` is created → closed.
    """

    __tablename__ = "chat_stats"
    __table_args__ = (sa.Index("ix_chat_stats_closed", "closed_at"),
                      sa.Index("ix_chat_stats_created", "created_at"))

    chat_id: str = Field(primary_key=True, max_length=32)
    lang: str = Field(max_length=2)
    municipality: str | None = Field(default=None, max_length=100)
    queue: str | None = Field(default=None, max_length=64)  # the service queue it ended in
    # Routing (issue 13): the queue it came in by (the widget's door) and whether it moved to
    # another service's queue on the way ("yes"/"no": residents who came in by the wrong door).
    entry_queue: str | None = Field(default=None, max_length=64)
    queue_moved: str | None = Field(default=None, max_length=3)
    created_at: datetime = timestamp()
    handoff_at: datetime | None = timestamp(default=None)
    queued_at: datetime | None = timestamp(default=None)
    first_accepted_at: datetime | None = timestamp(default=None)
    closed_at: datetime = timestamp()
    closed_by: str | None = Field(default=None, max_length=10)  # resident, staff, system
    handled_by: str = Field(max_length=16)  # bot | staff | abandoned_queue
    priority: bool = False
    wait_s: float | None = None
    first_response_s: float | None = None
    duration_s: float | None = None
    topic: str | None = Field(default=None, max_length=64)
    safety_topic: str | None = Field(default=None, max_length=64)
    tag_topics: str | None = Field(default=None, max_length=1000)  # comma-separated intents
    outcome: str | None = Field(default=None, max_length=32)
    transfers: int = 0
    resident_messages: int = 0
    bot_messages: int = 0
    staff_messages: int = 0
    fallbacks: int = 0  # resident messages the bot did not understand (nlu_fallback)
    feedback_score: int | None = None  # 1-5; the comment is never kept here
    content_version: int | None = None  # the bot content that answered (the editor issue)
    anonymised_at: datetime = timestamp(default_factory=utcnow)


class StatsMessage(SQLModel, table=True):
    """A chat's turns after anonymisation, for click-through from a chart cell. `intent` is
    what the bot understood of a resident message (None for other authors)."""

    __tablename__ = "chat_stats_messages"
    __table_args__ = (sa.UniqueConstraint("chat_id", "seq", name="uq_stats_messages_chat_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(foreign_key="chat_stats.chat_id", max_length=32, index=True)
    seq: int
    author: str = Field(max_length=10)  # resident, bot, staff, system
    text: str = Field(sa_type=sa.Text)
    intent: str | None = Field(default=None, max_length=64)
    confidence: float | None = None
    content_version: int | None = None
    created_at: datetime = timestamp()


class PhoneCalls(SQLModel, table=True):
    """Daily phone-call counts a supervisor uploaded (`date,calls` CSV) to compare with chats."""

    __tablename__ = "phone_calls"

    day: date = Field(primary_key=True)
    calls: int
    updated_at: datetime = timestamp(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=32)


class StaffingHour(SQLModel, table=True):
    """How many workers were on duty, sampled once a minute, summed per UTC hour: the
    statistics heat map shows the hour's average beside the chats (demand against staffing).
    Counts only, never who. `last_minute` makes every minute count once, whichever process
    samples it first."""

    __tablename__ = "staffing_hours"

    hour_start: datetime = timestamp(primary_key=True)  # UTC, on the hour
    samples: int = 0  # minutes sampled in the hour
    staff_sum: int = 0  # the sum of workers on duty over those minutes
    last_minute: datetime = timestamp()
