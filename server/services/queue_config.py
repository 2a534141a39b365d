"""The service queues as every process caches them (with the other run-time settings in
service_config: a `config.changed` event drops the copy everywhere).

A queue's hours are its own when set, else the service hours (`NEUVO_SERVICE_HOURS` or what
a supervisor saved), which is what the default queue always uses. A staff member who belongs
to no queue serves the default queue; the default queue takes every topic no other queue
takes; safety cues go to the queue marked `crisis` (the default queue unless another is).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from server import vocabulary
from server.hours import ServiceHours
from server.store.models_queues import DEFAULT_QUEUE, QueueMember, ServiceQueue

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

LANGS = vocabulary.LANGS


@dataclass(frozen=True)
class QueueConfig:
    id: str
    names: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    hours: ServiceHours | None = None
    announcement: dict[str, str | None] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    crisis: bool = False
    public: bool = True
    position: int = 0
    revision: int = 1
    members: frozenset[str] = frozenset()

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fi") or self.id

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("fi") or ""


DEFAULT = QueueConfig(DEFAULT_QUEUE, {"fi": "Aikuissosiaalityö", "sv": "Socialt arbete för vuxna",
                                      "en": "Adult social work"}, crisis=True)


@dataclass(frozen=True)
class Queues:
    items: tuple[QueueConfig, ...] = (DEFAULT,)

    def get(self, queue_id: str) -> QueueConfig | None:
        return next((q for q in self.items if q.id == queue_id), None)

    def of(self, queue_id: str) -> QueueConfig:
        """The queue, or the default one for an id that no longer exists."""
        return self.get(queue_id) or self.default

    @property
    def default(self) -> QueueConfig:
        return self.get(DEFAULT_QUEUE) or DEFAULT

    @property
    def crisis(self) -> QueueConfig:
        return next((q for q in self.items if q.crisis and q.id != DEFAULT_QUEUE), self.default)

    def for_topic(self, topic: str | None) -> QueueConfig | None:
        """The queue a bot topic routes to (None: no queue names it)."""
        if topic is None:
            return None
        return next((q for q in self.items if topic in q.topics), None)

    def of_staff(self, staff_id: str) -> frozenset[str]:
        """The queues a staff member serves (the default one when they belong to none)."""
        mine = frozenset(q.id for q in self.items if staff_id in q.members)
        return mine or frozenset({DEFAULT_QUEUE})

    def serves(self, staff_id: str, queue_id: str) -> bool:
        return self.of(queue_id).id in self.of_staff(staff_id)

    @property
    def several(self) -> bool:
        return len([q for q in self.items if q.public]) > 1


def from_row(row: ServiceQueue, members: frozenset[str]) -> QueueConfig:
    from server.services.service_config import hours_from_json

    return QueueConfig(
        id=row.id, names=dict(json.loads(row.names)),
        descriptions=dict(json.loads(row.descriptions)),
        hours=hours_from_json(json.loads(row.hours)) if row.hours else None,
        announcement=dict(json.loads(row.announcement)) if row.announcement else {},
        topics=tuple(json.loads(row.topics)), crisis=row.crisis, public=row.public,
        position=row.position, revision=row.revision, members=members)


async def load(session: AsyncSession) -> Queues:
    rows = list(await session.scalars(select(ServiceQueue).order_by(
        col(ServiceQueue.position), col(ServiceQueue.id))))
    members: dict[str, set[str]] = {}
    for member in await session.scalars(select(QueueMember)):
        members.setdefault(member.queue_id, set()).add(member.staff_id)
    if not rows:
        return Queues()
    return Queues(tuple(from_row(row, frozenset(members.get(row.id, ()))) for row in rows))
