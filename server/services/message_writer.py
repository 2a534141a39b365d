"""Group commit for chat messages: every message this process stores goes through one writer,
which gathers what arrived while the previous transaction was committing and stores the lot
in one transaction (a handful of statements however many chats it spans), then publishes
and answers each caller. Nobody is acked before that commit.

A batch starts as soon as the writer is idle, so a lone message pays one transaction as
before, and under load the batch grows by itself to what arrived during one commit (the way
PostgreSQL's own group commit and Kafka producers batch). The drain task lives only while
there is work: nothing to start or stop with the process.

Rules kept from the one-message path: seq is the chat row's last_seq + 1 with no gaps, taken
under the chat row's lock (SELECT … FOR UPDATE, chats in id order so two processes' batches
cannot deadlock); a client_msg_id already stored in the chat (or earlier in the same batch)
returns that message instead of a second one, or Conflict when the text differs; a closed
chat refuses (except `allow_closed`); an unknown chat is NotFound. One failing message
cannot fail its neighbours: a batch that fails for another reason than an unreachable
database is retried one message at a time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.metrics import MESSAGE_BATCH_SECONDS, MESSAGE_BATCH_SIZE
from server.protocol.frames import Button, MessageCreated
from server.services.errors import ChatClosed, Conflict, Forbidden, NotFound, ServiceError
from server.store.db import database_unreachable
from server.store.models import Chat, Message, aware

if TYPE_CHECKING:
    from server.services.context import ServiceContext

log = logging.getLogger(__name__)
MAX_BATCH = 500  # messages per transaction; more wait for the next one


@dataclass(frozen=True)
class Stored:
    """What a caller gets back: the message frame, whether this call stored it (False for
    a retry of a stored client_msg_id) and the chat's state when it was stored."""

    frame: MessageCreated
    created: bool
    chat_state: str


@dataclass(frozen=True)
class ChatRow:
    state: str
    last_seq: int
    staff_id: str | None


@dataclass
class NewMessage:
    chat_id: str
    author: str
    text: str
    client_msg_id: str | None = None
    author_name: str | None = None
    buttons: Sequence[Button] = ()
    allow_closed: bool = False
    # Set for a staff member's message: the chat must be active and assigned to them.
    staff_id: str | None = None
    future: asyncio.Future[Stored] | None = field(default=None, repr=False)


def frame_of(chat_id: str, seq: int, author: str, author_name: str | None, text: str,
             created_at: datetime, buttons: str | None,
             client_msg_id: str | None) -> MessageCreated:
    created = aware(created_at)
    assert created is not None
    return MessageCreated(
        chat_id=chat_id, seq=seq, author=author, author_name=author_name, text=text,
        created_at=created.isoformat().replace("+00:00", "Z"),
        buttons=[Button(**b) for b in json.loads(buttons)] if buttons else None,
        client_msg_id=client_msg_id)


def _same_or_conflict(found: MessageCreated, item: NewMessage) -> MessageCreated:
    if found.text != item.text:
        raise Conflict("this client_msg_id was already used for a different text",
                       chat_id=item.chat_id, client_msg_id=item.client_msg_id)
    return found


class MessageWriter:
    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._pending: deque[NewMessage] = deque()
        self._drain: asyncio.Task[None] | None = None
        self._unanswered = 0

    @property
    def unanswered(self) -> int:
        """Messages handed to the writer whose outcome is not known yet (queued or being
        committed)."""
        return self._unanswered

    def _answered(self, future: asyncio.Future[Stored]) -> None:
        self._unanswered -= 1
        _retrieve(future)

    async def write(self, ctx: ServiceContext, item: NewMessage) -> Stored:
        """Store `item` with the next batch; raises the item's own ServiceError, or the
        database's error when the batch could not be committed."""
        loop = asyncio.get_running_loop()
        item.future = loop.create_future()
        # Retrieved even when the caller has gone, so an error is never reported as lost.
        self._unanswered += 1
        item.future.add_done_callback(self._answered)
        self._pending.append(item)
        if self._drain is None or self._drain.done():
            self._drain = loop.create_task(self._run(ctx), name="message-writer")
        # A caller that goes away (its socket closed) does not take the message with it:
        # the batch still commits it, and a resend with the same client_msg_id finds it.
        return await asyncio.shield(item.future)

    async def _run(self, ctx: ServiceContext) -> None:
        while self._pending:
            batch = [self._pending.popleft()
                     for _ in range(min(len(self._pending), self.max_batch))]
            try:
                await self._commit(ctx, batch)
            except Exception:  # the callers have their answers; keep draining
                log.exception("message writer: error after a commit")

    async def _commit(self, ctx: ServiceContext, batch: list[NewMessage]) -> None:
        MESSAGE_BATCH_SIZE.observe(len(batch))
        with MESSAGE_BATCH_SECONDS.time():
            await self._commit_timed(ctx, batch)

    async def _commit_timed(self, ctx: ServiceContext, batch: list[NewMessage]) -> None:
        try:
            outcomes = await _store(ctx, batch)
        except Exception as exc:  # handed to the callers, never lost here
            if len(batch) == 1 or database_unreachable(exc):
                for item in batch:
                    _fail(item, exc)
                return
            log.warning("a batch of %d messages failed (%s); storing them one by one",
                        len(batch), type(exc).__name__)
            for item in batch:
                await self._commit_timed(ctx, [item])
            return
        created = [(item, o) for item, o in zip(batch, outcomes, strict=True)
                   if isinstance(o, Stored) and o.created]
        try:
            await ctx.publish_many([(item.chat_id, o.frame) for item, o in created])
        finally:
            for item, outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, Stored):
                    _succeed(item, outcome)
                else:
                    _fail(item, outcome)


def _retrieve(future: asyncio.Future[Stored]) -> None:
    if not future.cancelled():
        future.exception()


def _succeed(item: NewMessage, outcome: Stored) -> None:
    if item.future is not None and not item.future.done():
        item.future.set_result(outcome)


def _fail(item: NewMessage, exc: BaseException) -> None:
    if item.future is not None and not item.future.done():
        item.future.set_exception(exc)


async def _store(ctx: ServiceContext, batch: list[NewMessage]) -> list[Stored | ServiceError]:
    chat_ids = sorted({item.chat_id for item in batch})
    async with ctx.db.write() as session:
        if ctx.db.is_sqlite:
            # SQLite's driver begins the transaction at the first write, and a transaction
            # that read first cannot wait for the write lock: write first, so the rows read
            # below cannot change before this transaction commits (another process, e.g.
            # the CLI, may write the same file).
            await session.execute(update(Chat).where(col(Chat.id).in_(chat_ids))
                                  .values(last_seq=col(Chat.last_seq)))
        chats = await _lock_chats(session, chat_ids)
        stored = await _stored_ids(session, batch)
        now = ctx.clock()
        outcomes: list[Stored | ServiceError] = []
        seqs = {chat_id: chat.last_seq for chat_id, chat in chats.items()}
        rows: list[dict[str, Any]] = []
        for item in batch:
            outcome = _place(item, chats, stored, seqs, now, rows)
            outcomes.append(outcome)
        if rows:
            conn = await session.connection()  # Core executemany: one round trip each
            await conn.execute(
                update(Chat).where(col(Chat.id) == bindparam("b_id"))
                .values(last_seq=bindparam("b_seq"), last_activity_at=bindparam("b_now")),
                [{"b_id": chat_id, "b_seq": seq, "b_now": now}
                 for chat_id, seq in seqs.items() if seq != chats[chat_id].last_seq])
            await conn.execute(insert(Message), rows)
    return outcomes


async def _lock_chats(session: AsyncSession, chat_ids: list[str]) -> dict[str, ChatRow]:
    result = await session.execute(
        select(col(Chat.id), col(Chat.state), col(Chat.last_seq), col(Chat.staff_id))
        .where(col(Chat.id).in_(chat_ids)).order_by(col(Chat.id))
        .with_for_update(key_share=True))  # FOR NO KEY UPDATE: only non-key columns change
    return {row.id: ChatRow(row.state, row.last_seq, row.staff_id) for row in result.all()}


async def _stored_ids(session: AsyncSession,
                      batch: list[NewMessage]) -> dict[tuple[str, str], MessageCreated]:
    """Messages already stored under the batch's client_msg_ids (retries)."""
    keys = {(item.chat_id, item.client_msg_id) for item in batch if item.client_msg_id}
    if not keys:
        return {}
    result = await session.execute(
        select(col(Message.chat_id), col(Message.seq), col(Message.author),
               col(Message.author_name), col(Message.text), col(Message.created_at),
               col(Message.buttons), col(Message.client_msg_id))
        .where(col(Message.chat_id).in_({chat_id for chat_id, _ in keys}),
               col(Message.client_msg_id).in_({cmid for _, cmid in keys})))
    found: dict[tuple[str, str], MessageCreated] = {}
    for row in result.all():
        if (row.chat_id, row.client_msg_id) in keys:
            found[(row.chat_id, row.client_msg_id)] = frame_of(*row)
    return found


def _place(item: NewMessage, chats: dict[str, ChatRow],
           stored: dict[tuple[str, str], MessageCreated], seqs: dict[str, int],
           now: datetime, rows: list[dict[str, Any]]) -> Stored | ServiceError:
    """Decide one message of the batch: a retry, a refusal, or the next seq of its chat
    (appended to `rows`; `stored` and `seqs` are updated for the rest of the batch)."""
    chat = chats.get(item.chat_id)
    if chat is None:
        return NotFound("no such chat", chat_id=item.chat_id)
    state = chat.state
    if item.staff_id is not None and state != "closed" and (
            state != "active" or chat.staff_id != item.staff_id):
        return Forbidden("this chat is not assigned to you", chat_id=item.chat_id,
                         client_msg_id=item.client_msg_id)
    key = (item.chat_id, item.client_msg_id) if item.client_msg_id else None
    if key is not None and key in stored:
        try:
            return Stored(_same_or_conflict(stored[key], item), False, state)
        except Conflict as exc:
            return exc
    if state == "closed" and not item.allow_closed:
        return ChatClosed("the chat is closed", chat_id=item.chat_id,
                          client_msg_id=item.client_msg_id)
    seq = seqs[item.chat_id] + 1
    seqs[item.chat_id] = seq
    buttons = json.dumps([b.model_dump() for b in item.buttons]) if item.buttons else None
    rows.append({"chat_id": item.chat_id, "seq": seq, "author": item.author,
                 "author_name": item.author_name, "text": item.text, "buttons": buttons,
                 "client_msg_id": item.client_msg_id, "created_at": now})
    frame = frame_of(item.chat_id, seq, item.author, item.author_name, item.text, now,
                     buttons, item.client_msg_id)
    if key is not None:
        stored[key] = frame
    return Stored(frame, True, state)
