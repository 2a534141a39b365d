"""Canned replies: ready-made answers in three languages, managed by supervisors."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from server import vocabulary
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, NotFound
from server.store.models import CannedReply

LANGS = vocabulary.LANGS
MAX_TITLE, MAX_TEXT, MAX_QUERY = 100, 2000, 100


def as_json(item: CannedReply) -> dict[str, object]:
    return {"id": item.id, "lang": item.lang, "title": item.title, "text": item.text}


def _validate(lang: str, title: str, text: str) -> tuple[str, str]:
    if lang not in LANGS:
        raise InvalidInput(f"lang must be one of {vocabulary.one_of(LANGS)}")
    title, text = title.strip(), text.strip()
    if not 1 <= len(title) <= MAX_TITLE:
        raise InvalidInput(f"title must be 1–{MAX_TITLE} characters")
    if not 1 <= len(text) <= MAX_TEXT:
        raise InvalidInput(f"text must be 1–{MAX_TEXT} characters")
    return title, text


async def search(ctx: ServiceContext, lang: str | None = None,
                 query: str | None = None) -> list[CannedReply]:
    if lang is not None and lang not in LANGS:
        raise InvalidInput(f"lang must be one of {vocabulary.one_of(LANGS)}")
    if query is not None and len(query) > MAX_QUERY:
        raise InvalidInput(f"q must be at most {MAX_QUERY} characters")
    stmt = select(CannedReply)
    if lang:
        stmt = stmt.where(col(CannedReply.lang) == lang)
    async with ctx.db.read() as session:
        items = list((await session.execute(stmt)).scalars())
    # Few rows; filtering here gets case-folding of å/ä/ö right on SQLite too.
    needle = (query or "").strip().casefold()
    if needle:
        items = [i for i in items if needle in i.title.casefold() or needle in i.text.casefold()]
    return sorted(items, key=lambda i: (i.lang, i.title.casefold()))


async def create(ctx: ServiceContext, lang: str, title: str, text: str,
                 staff_id: str) -> CannedReply:
    title, text = _validate(lang, title, text)
    item = CannedReply(lang=lang, title=title, text=text, updated_by=staff_id,
                       updated_at=ctx.clock())
    async with ctx.db.write() as session:
        session.add(item)
        await session.flush()
    return item


async def update(ctx: ServiceContext, item_id: int, lang: str, title: str, text: str,
                 staff_id: str) -> CannedReply:
    title, text = _validate(lang, title, text)
    async with ctx.db.write() as session:
        item = await session.get(CannedReply, item_id)
        if item is None:
            raise NotFound("no such canned reply")
        item.lang, item.title, item.text = lang, title, text
        item.updated_by, item.updated_at = staff_id, ctx.clock()
    return item


async def delete(ctx: ServiceContext, item_id: int) -> None:
    async with ctx.db.write() as session:
        item = await session.get(CannedReply, item_id)
        if item is None:
            raise NotFound("no such canned reply")
        await session.delete(item)
