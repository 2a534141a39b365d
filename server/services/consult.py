"""Consultation: an anonymised excerpt from a chat goes to every on-duty colleague, who can
reply in a thread. Only the anonymised text is stored; the chat id stays for the audit log
and is never shown to colleagues."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from server.privacy import anonymise_off_loop
from server.privacy.audit import audit
from server.protocol.frames import ConsultReplyItem, ConsultThreadItem, ConsultUpdated
from server.services import lifecycle
from server.services.context import CONSULT_TOPIC, ServiceContext
from server.services.errors import InvalidInput, NotFound
from server.store.models import ConsultReply, ConsultThread, Staff, aware

MAX_TEXT = 2000
WINDOW = timedelta(hours=24)
MAX_THREADS = 50


async def _clean(text: str) -> str:
    text = text.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        raise InvalidInput(f"text must be 1–{MAX_TEXT} characters")
    return await anonymise_off_loop(text)


def _iso(value: object) -> str:
    stamp = aware(value)  # type: ignore[arg-type]
    assert stamp is not None
    return stamp.isoformat()


async def _thread_item(ctx: ServiceContext, thread: ConsultThread) -> ConsultThreadItem:
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(ConsultReply, col(Staff.display_name))
            .join(Staff, col(Staff.id) == col(ConsultReply.staff_id))
            .where(col(ConsultReply.thread_id) == thread.id).order_by(col(ConsultReply.id)))).all()
        author = (await session.get(Staff, thread.staff_id))
    return ConsultThreadItem(
        id=thread.id, created_at=_iso(thread.created_at),
        author_name=author.display_name if author else "?", lang=thread.lang,
        topic=thread.topic, text=thread.text,
        replies=[ConsultReplyItem(id=r.id or 0, author_name=name, text=r.text,
                                  created_at=_iso(r.created_at)) for r, name in rows])


async def start(ctx: ServiceContext, staff: Staff, chat_id: str, text: str) -> ConsultThreadItem:
    """Open a thread from a chat assigned to `staff`."""
    chat = await lifecycle.owned_chat(ctx, staff, chat_id)
    thread = ConsultThread(id=uuid.uuid4().hex, created_at=ctx.clock(), staff_id=staff.id,
                           chat_id=chat_id, lang=chat.lang, topic=chat.topic,
                           text=await _clean(text))
    async with ctx.db.write() as session:
        session.add(thread)
    await audit(ctx, staff.id, "consulted", chat_id)
    item = await _thread_item(ctx, thread)
    await ctx.publish(CONSULT_TOPIC, ConsultUpdated(thread=item))
    return item


async def reply(ctx: ServiceContext, staff: Staff, thread_id: str, text: str) -> ConsultThreadItem:
    clean = await _clean(text)  # before the transaction: it runs in a worker thread
    async with ctx.db.write() as session:
        thread = await session.get(ConsultThread, thread_id)
        if thread is None:
            raise NotFound("no such consultation")
        session.add(ConsultReply(thread_id=thread_id, staff_id=staff.id, text=clean,
                                 created_at=ctx.clock()))
    item = await _thread_item(ctx, thread)
    await ctx.publish(CONSULT_TOPIC, ConsultUpdated(thread=item))
    return item


async def recent(ctx: ServiceContext) -> list[ConsultThreadItem]:
    async with ctx.db.read() as session:
        threads = (await session.execute(
            select(ConsultThread).where(col(ConsultThread.created_at) >= ctx.clock() - WINDOW)
            .order_by(col(ConsultThread.created_at).desc()).limit(MAX_THREADS))).scalars().all()
    return [await _thread_item(ctx, t) for t in threads]
