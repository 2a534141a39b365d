"""The county's service directory (issue 13): service points kept by editors and supervisors
(list and filter, create, update with a revision check, delete, history) and what the bot
is told about them (`bot_directory`). CSV import and export: directory_csv.py; what a valid
point is: directory_rules.py.

Two people saving the same point: each save names the revision it read; the second gets 409
with the point as it is now (`current`), nothing is overwritten. Every change is recorded in
`service_point_changes` (who, when, what). What the bot is told: directory_bot.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlmodel import col

from bot.service_types import service_types
from server.services.context import ServiceContext
from server.services.directory_bot import changed
from server.services.directory_rules import (
    LANGS,
    PointData,
    PointInvalid,
    check_point,
    municipalities,
)
from server.services.errors import Conflict, InvalidInput, NotFound
from server.store.models import aware, utcnow
from server.store.models_directory import ServicePointChange, ServicePointRow

MAX_POINTS = 5000
MAX_ID = 32


class PointConflict(Conflict):
    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current

    def details(self) -> dict[str, Any]:
        return {"current": self.current}


def point_json(row: ServicePointRow) -> dict[str, Any]:
    updated = aware(row.updated_at)
    return {"id": row.id, "name": {lang: getattr(row, f"name_{lang}") for lang in LANGS},
            "type": row.type, "municipality": row.municipality, "address": row.address,
            "hours": {lang: getattr(row, f"hours_{lang}") for lang in LANGS},
            "phone": row.phone, "web": row.web,
            "languages": [v for v in row.languages.split(",") if v],
            "revision": row.revision, "updated_by": row.updated_by,
            "updated_at": updated.isoformat() if updated else ""}


def flat(body: dict[str, Any]) -> dict[str, Any]:
    """The API's nested point (name/hours per language) as the flat fields of check_point."""
    out = {k: v for k, v in body.items() if k not in ("name", "hours")}
    for key in ("name", "hours"):
        for lang, value in (body.get(key) or {}).items():
            out[f"{key}_{lang}"] = value
    return out


def valid(raw: dict[str, Any]) -> PointData:
    point, errors = check_point(raw)
    if point is None:
        raise PointInvalid("the service point has errors: " + "; ".join(
            e["message"] for e in errors), errors)
    return point


def point_id(value: str) -> str:
    if not (1 <= len(value) <= MAX_ID) or not value.replace("-", "").replace("_", "").isalnum():
        raise NotFound(f"no service point {value[:40]!r}")
    return value


async def list_points(ctx: ServiceContext, municipality: str | None = None,
                      kind: str | None = None) -> dict[str, Any]:
    query = select(ServicePointRow)
    if municipality:
        canonical = municipalities().canonical(municipality)
        if canonical is None:
            raise InvalidInput(f"municipality {municipality[:60]!r} is not a Finnish municipality")
        query = query.where(col(ServicePointRow.municipality) == canonical)
    if kind:
        if kind not in service_types():
            raise InvalidInput(f"type must be one of {', '.join(service_types())}")
        query = query.where(col(ServicePointRow.type) == kind)
    async with ctx.db.read() as session:
        rows = list(await session.scalars(query.order_by(
            col(ServicePointRow.municipality), col(ServicePointRow.type),
            col(ServicePointRow.name_fi)).limit(MAX_POINTS)))
    return {"items": [point_json(r) for r in rows], "types": list(service_types())}


async def get_point(ctx: ServiceContext, ident: str) -> dict[str, Any]:
    async with ctx.db.read() as session:
        row = await session.get(ServicePointRow, point_id(ident))
    if row is None:
        raise NotFound(f"no service point {ident!r}")
    return point_json(row)


async def count(ctx: ServiceContext) -> int:
    async with ctx.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(ServicePointRow)) or 0)


async def create(ctx: ServiceContext, staff: str, raw: dict[str, Any]) -> dict[str, Any]:
    point = valid(raw)
    if await count(ctx) >= MAX_POINTS:
        raise InvalidInput(f"the directory holds at most {MAX_POINTS} service points")
    row = ServicePointRow(id=uuid.uuid4().hex[:12], updated_by=staff, **point.columns())
    async with ctx.db.write() as session:
        session.add(row)
        session.add(_change(row.id, "create", point, staff))
    changed(ctx)
    return point_json(row)


async def update_point(ctx: ServiceContext, staff: str, ident: str, revision: int,
                       raw: dict[str, Any]) -> dict[str, Any]:
    point = valid(raw)
    async with ctx.db.write() as session:
        result = await session.execute(
            update(ServicePointRow).where(col(ServicePointRow.id) == point_id(ident),
                                          col(ServicePointRow.revision) == revision)
            .values(**point.columns(), revision=revision + 1, updated_by=staff,
                    updated_at=utcnow()))
        if getattr(result, "rowcount", 0) == 1:
            session.add(_change(ident, "update", point, staff))
    if getattr(result, "rowcount", 0) != 1:
        current = await get_point(ctx, ident)  # NotFound when it is gone
        raise PointConflict(f"{current['updated_by']} changed this service point first "
                            f"(revision {current['revision']})", current)
    changed(ctx)
    return await get_point(ctx, ident)


async def delete_point(ctx: ServiceContext, staff: str, ident: str,
                       revision: int | None) -> None:
    current = await get_point(ctx, ident)
    if revision is not None and revision != current["revision"]:
        raise PointConflict(f"{current['updated_by']} changed this service point first "
                            f"(revision {current['revision']})", current)
    async with ctx.db.write() as session:
        result = await session.execute(delete(ServicePointRow).where(
            col(ServicePointRow.id) == ident,
            col(ServicePointRow.revision) == current["revision"]))
        if getattr(result, "rowcount", 0) == 1:
            session.add(ServicePointChange(point_id=ident, action="delete", staff=staff,
                                           summary=_summary(current["name"]["fi"],
                                                            current["municipality"])))
    if getattr(result, "rowcount", 0) != 1:
        raise PointConflict("this service point changed meanwhile; reload it",
                            await get_point(ctx, ident))
    changed(ctx)


async def history(ctx: ServiceContext, ident: str | None, limit: int = 200) -> dict[str, Any]:
    query = select(ServicePointChange).order_by(col(ServicePointChange.id).desc()).limit(limit)
    if ident is not None:
        query = query.where(col(ServicePointChange.point_id) == point_id(ident))
    async with ctx.db.read() as session:
        rows = list(await session.scalars(query))
    return {"items": [{"point_id": r.point_id, "action": r.action, "summary": r.summary,
                       "by": r.staff, "at": (aware(r.at) or r.at).isoformat()} for r in rows]}


def _summary(name: str, municipality: str) -> str:
    return f"{name} ({municipality})"[:500]


def _change(ident: str, action: str, point: PointData, staff: str) -> ServicePointChange:
    return ServicePointChange(point_id=ident, action=action, staff=staff,
                              summary=_summary(point.name["fi"], point.municipality))
