"""What the bot is told about the service directory (issue 13): for each bot turn, the points
in the chat's municipality and the municipalities that have points (BotContext.services and
service_municipalities), and the municipality a resident chose with a directory button.

The bot reads a per-process snapshot of the whole directory (a county has hundreds of points,
not millions), reloaded after SNAPSHOT_TTL_S, or at once after a change made in this process,
so a bot turn costs no query most of the time. Another process answers from a change within
SNAPSHOT_TTL_S.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import col

from bot.api import ServicePoint
from bot.service_types import OTHER, parse_payload
from server.services.context import ServiceContext
from server.services.directory_rules import LANGS, municipalities
from server.store.models import Chat
from server.store.models_directory import ServicePointRow

SNAPSHOT_TTL_S = 10.0
MAX_POINTS = 5000


@dataclass
class _Snapshot:
    db: object
    loaded: float
    points: list[ServicePointRow]


_snapshots: dict[int, _Snapshot] = {}


def changed(ctx: ServiceContext) -> None:
    """This process changed the directory: the bot's next turn reads it again."""
    _snapshots.pop(id(ctx.db), None)


async def _snapshot(ctx: ServiceContext) -> list[ServicePointRow]:
    snap = _snapshots.get(id(ctx.db))
    if snap is None or snap.db is not ctx.db or time.monotonic() - snap.loaded > SNAPSHOT_TTL_S:
        async with ctx.db.read() as session:
            rows = list(await session.scalars(select(ServicePointRow).limit(MAX_POINTS)))
        snap = _Snapshot(ctx.db, time.monotonic(), rows)
        _snapshots[id(ctx.db)] = snap
    return snap.points


def _bot_point(row: ServicePointRow, lang: str) -> ServicePoint:
    names: dict[str, str] = {code: getattr(row, f"name_{code}") for code in LANGS
                             if getattr(row, f"name_{code}")}
    hours: dict[str, str] = {code: getattr(row, f"hours_{code}") for code in LANGS
                             if getattr(row, f"hours_{code}")}
    return ServicePoint(name=names, type=row.type,
                        municipality=municipalities().shown(row.municipality, lang),
                        address=row.address, hours=hours, phone=row.phone, web=row.web,
                        languages=tuple(v for v in row.languages.split(",") if v))


async def bot_directory(ctx: ServiceContext, municipality: str | None,
                        lang: str) -> tuple[tuple[ServicePoint, ...], tuple[str, ...]]:
    """The points in the chat's municipality and the municipalities that have points (most
    points first), named in `lang`, for BotContext.services / service_municipalities."""
    rows = await _snapshot(ctx)
    if not rows:
        return (), ()
    canonical = municipalities().canonical(municipality) if municipality else None
    here = tuple(_bot_point(r, lang) for r in rows if r.municipality == canonical)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.municipality] = counts.get(row.municipality, 0) + 1
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    return here, tuple(municipalities().shown(name, lang) for name in ranked)


async def lookup(ctx: ServiceContext, municipality: str, kind: str,
                 lang: str) -> list[ServicePoint]:
    """The points of one type in one municipality, as the bot shows them."""
    here, _ = await bot_directory(ctx, municipality, lang)
    return [p for p in here if p.type == kind]


async def remember_municipality(ctx: ServiceContext, chat: Chat, text: str) -> Chat:
    """A directory button's payload names the resident's municipality: store it on the chat
    (Finnish name) when it is a Finnish municipality; anything else is ignored."""
    chosen = (parse_payload(text) or {}).get("municipality")
    if not chosen or chosen == OTHER:
        return chat
    canonical = municipalities().canonical(chosen)
    if canonical is None or canonical == chat.municipality:
        return chat
    async with ctx.db.write() as session:
        await session.execute(update(Chat).where(col(Chat.id) == chat.id)
                              .values(municipality=canonical))
    chat.municipality = canonical
    return chat
