"""Service queues: the widget's public list, and supervisors' and admins' management
(names and descriptions in fi/sv/en, own hours, announcement, the bot topics routed to the
queue, the crisis flag, members). The default queue cannot be deleted; a queue that still
has chats or staff is refused with the reason. Every change publishes `config.changed`."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.catalogue import SAFETY_INTENTS
from server.protocol.frames import ConfigChanged
from server.services import service_config
from server.services.context import ServiceContext
from server.services.errors import Conflict, InvalidInput, NotFound
from server.services.queue_config import LANGS, QueueConfig, Queues
from server.services.service_config import CONFIG_TOPIC, hours_from_json, hours_to_json
from server.store.models import Chat, Staff
from server.store.models_queues import DEFAULT_QUEUE, QueueMember, ServiceQueue

ID = re.compile(r"^[a-z0-9_-]{1,32}$")
MAX_NAME, MAX_DESCRIPTION, MAX_TOPICS = 80, 300, 60


async def public_list(ctx: ServiceContext, lang: str) -> list[dict[str, Any]]:
    """The widget's list: public names and descriptions, and whether each is open now."""
    if lang not in LANGS:
        raise InvalidInput("lang must be one of fi, sv, en")
    config = await service_config.current(ctx)
    now = ctx.clock()
    return [{"id": q.id, "name": q.name(lang), "description": q.description(lang),
             "open_now": config.hours_of(q.id).is_open(now),
             "hours_text": config.hours_of(q.id).describe(lang, now)}
            for q in config.queues.items if q.public]


async def queues_of(ctx: ServiceContext, staff_id: str) -> list[dict[str, Any]]:
    """The queues a staff member serves, with names (the console's queue filter)."""
    config = await service_config.current(ctx)
    mine = config.queues.of_staff(staff_id)
    return [{"id": q.id, "name": q.name("fi"), "names": q.names}
            for q in config.queues.items if q.id in mine]


def check_queue_id(queues: Queues, queue_id: str | None) -> str:
    """A chat's entry queue: the given id (it must exist and be public) or the default."""
    if queue_id is None:
        return DEFAULT_QUEUE
    queue = queues.get(queue_id)
    if queue is None or not queue.public:
        raise InvalidInput(f"queue: no service queue '{queue_id[:32]}'")
    return str(queue.id)


class QueueInUse(Conflict):
    """A queue with open chats or staff cannot be deleted (the counts say why)."""

    def __init__(self, open_chats: int, members: int) -> None:
        super().__init__(f"the queue still has {open_chats} open chats and {members} staff "
                         "members; move them first")
        self.open_chats, self.members = open_chats, members

    def details(self) -> dict[str, Any]:
        return {"open_chats": self.open_chats, "members": self.members}


def view(queue: QueueConfig, config: service_config.ServiceConfig,
         counts: dict[str, int], usernames: dict[str, str]) -> dict[str, Any]:
    return {"id": queue.id, "names": queue.names, "descriptions": queue.descriptions,
            "hours": hours_to_json(queue.hours) if queue.hours else None,
            "announcement": queue.announcement, "topics": list(queue.topics),
            "crisis": queue.crisis, "public": queue.public, "position": queue.position,
            "revision": queue.revision, "members": sorted(queue.members),
            "member_usernames": sorted(usernames[m] for m in queue.members if m in usernames),
            "waiting": counts.get(queue.id, 0), "default": queue.id == DEFAULT_QUEUE}


async def admin_list(ctx: ServiceContext) -> dict[str, Any]:
    config = await service_config.current(ctx)
    async with ctx.db.read() as session:
        rows = (await session.execute(select(col(Chat.queue), func.count()).where(
            col(Chat.state) == "queued").group_by(col(Chat.queue)))).all()
        names = dict((await session.execute(select(col(Staff.id), col(Staff.username)))).all())
    counts = {str(q): int(n) for q, n in rows}
    return {"items": [view(q, config, counts, names) for q in config.queues.items]}


def _texts(value: Any, what: str, limit: int, required: bool) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) - set(LANGS):
        raise InvalidInput(f"{what}: give texts by language (fi, sv, en)")
    out = {}
    for lang, text in value.items():
        if not isinstance(text, str) or len(text.strip()) > limit or any(
                ord(ch) < 32 for ch in text):
            raise InvalidInput(f"{what}.{lang}: one line of at most {limit} characters")
        if text.strip():
            out[lang] = text.strip()
    if required and "fi" not in out:
        raise InvalidInput(f"{what}.fi: the Finnish text is required")
    return out


def _topics(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_TOPICS or not all(
            isinstance(t, str) and ID.match(t) for t in value):
        raise InvalidInput(f"topics: a list of at most {MAX_TOPICS} intent names")
    if set(value) & set(SAFETY_INTENTS):
        raise InvalidInput("topics: safety intents always go to the crisis queue; "
                           "mark the queue as the crisis queue instead")
    return sorted(set(value))


def _values(body: dict[str, Any], queue_id: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "names" in body:
        values["names"] = json.dumps(_texts(body["names"], "names", MAX_NAME, True))
    if "descriptions" in body:
        values["descriptions"] = json.dumps(
            _texts(body["descriptions"], "descriptions", MAX_DESCRIPTION, False))
    if "announcement" in body:
        note = body["announcement"]
        values["announcement"] = None if note is None else json.dumps(
            _texts(note, "announcement", MAX_DESCRIPTION, False))
    if "hours" in body:
        spec = body["hours"]
        if spec is not None and queue_id == DEFAULT_QUEUE:
            raise InvalidInput("hours: the default queue uses the service hours; edit those")
        values["hours"] = None if spec is None else json.dumps(hours_to_json(hours_from_json(spec)))
    if "topics" in body:
        values["topics"] = json.dumps(_topics(body["topics"]))
    for flag in ("crisis", "public"):
        if flag in body:
            if not isinstance(body[flag], bool):
                raise InvalidInput(f"{flag}: true or false")
            values[flag] = body[flag]
    if "position" in body:
        if not isinstance(body["position"], int) or not 0 <= body["position"] <= 1000:
            raise InvalidInput("position: a whole number 0-1000")
        values["position"] = body["position"]
    if values.get("public") is False and queue_id == DEFAULT_QUEUE:
        raise InvalidInput("public: the default queue is always listed")
    return values


async def _changed(ctx: ServiceContext) -> None:
    ctx.config_cache.invalidate()
    await ctx.publish(CONFIG_TOPIC, ConfigChanged())


async def create(ctx: ServiceContext, staff_id: str, body: dict[str, Any]) -> dict[str, Any]:
    queue_id = body.get("id")
    if not isinstance(queue_id, str) or not ID.match(queue_id):
        raise InvalidInput("id: 1-32 characters a-z, 0-9, _ or -")
    if "names" not in body:
        raise InvalidInput("names: the queue needs a name (at least in Finnish)")
    values = {"descriptions": "{}", "topics": "[]", **_values(body, queue_id)}
    try:
        async with ctx.db.write() as session:
            session.add(ServiceQueue(id=queue_id, updated_by=staff_id, updated_at=ctx.clock(),
                                     **values))
            if values.get("crisis"):
                await _only_crisis(session, queue_id)
    except IntegrityError:
        raise Conflict(f"a queue '{queue_id}' exists already") from None
    await _changed(ctx)
    return await _one(ctx, queue_id)


async def _only_crisis(session: Any, queue_id: str) -> None:
    """One crisis queue besides the default: marking one unmarks the others."""
    await session.execute(update(ServiceQueue).where(
        col(ServiceQueue.id) != queue_id, col(ServiceQueue.id) != DEFAULT_QUEUE)
        .values(crisis=False))


async def update_queue(ctx: ServiceContext, staff_id: str, queue_id: str,
                       body: dict[str, Any]) -> dict[str, Any]:
    revision = body.get("revision")
    if not isinstance(revision, int):
        raise InvalidInput("revision: the revision you edited")
    values = _values({k: v for k, v in body.items() if k != "revision"}, queue_id)
    async with ctx.db.write() as session:
        result = await session.execute(update(ServiceQueue).where(
            col(ServiceQueue.id) == queue_id, col(ServiceQueue.revision) == revision).values(
            **values, revision=revision + 1, updated_by=staff_id, updated_at=ctx.clock()))
        if not getattr(result, "rowcount", 0):
            exists = await session.get(ServiceQueue, queue_id)
            if exists is None:
                raise NotFound(f"no queue '{queue_id}'")
            raise Conflict("another person changed this queue; reload it")
        if values.get("crisis"):
            await _only_crisis(session, queue_id)
    await _changed(ctx)
    return await _one(ctx, queue_id)


async def set_members(ctx: ServiceContext, queue_id: str, usernames: list[str]) -> dict[str, Any]:
    if len(usernames) > 1000:
        raise InvalidInput("members: at most 1000")
    async with ctx.db.write() as session:
        if await session.get(ServiceQueue, queue_id) is None:
            raise NotFound(f"no queue '{queue_id}'")
        found = dict((await session.execute(select(col(Staff.username), col(Staff.id)).where(
            col(Staff.username).in_(usernames)))).all())
        missing = sorted(set(usernames) - set(found))
        if missing:
            raise InvalidInput("members: no staff account " + ", ".join(missing[:10]))
        await session.execute(delete(QueueMember).where(col(QueueMember.queue_id) == queue_id))
        for staff_id in sorted(set(found.values())):
            session.add(QueueMember(queue_id=queue_id, staff_id=staff_id))
    await _changed(ctx)
    return await _one(ctx, queue_id)


async def remove(ctx: ServiceContext, queue_id: str) -> None:
    if queue_id == DEFAULT_QUEUE:
        raise InvalidInput("the default queue cannot be deleted")
    async with ctx.db.write() as session:
        if await session.get(ServiceQueue, queue_id) is None:
            raise NotFound(f"no queue '{queue_id}'")
        open_chats = await session.scalar(select(func.count()).select_from(Chat).where(
            col(Chat.queue) == queue_id, col(Chat.state).in_(("bot", "queued", "active"))))
        members = await session.scalar(select(func.count()).select_from(QueueMember).where(
            col(QueueMember.queue_id) == queue_id))
        if open_chats or members:
            raise QueueInUse(int(open_chats or 0), int(members or 0))
        await session.execute(delete(ServiceQueue).where(col(ServiceQueue.id) == queue_id))
    await _changed(ctx)


async def _one(ctx: ServiceContext, queue_id: str) -> dict[str, Any]:
    items = (await admin_list(ctx))["items"]
    return next(item for item in items if item["id"] == queue_id)


DEMO = {"id": "mielenterveys",
        "names": {"fi": "Mielenterveys- ja päihdepalvelut",
                  "sv": "Mentalvårds- och missbrukstjänster",
                  "en": "Mental health and substance abuse services"},
        "descriptions": {"fi": "Neuvontaa mielenterveyden ja päihteiden asioissa.",
                         "sv": "Rådgivning om psykisk hälsa och missbruk.",
                         "en": "Advice on mental health and substance use."},
        "topics": ["mental_health_services", "substance_services"], "position": 1}


async def ensure_demo(ctx: ServiceContext) -> bool:
    """The demo's second public service (`make run`); False when it exists already."""
    config = await service_config.current(ctx)
    if config.queues.get(DEMO["id"]) is not None:  # type: ignore[arg-type]
        return False
    try:
        await create(ctx, "system", dict(DEMO))
    except Conflict:
        return False
    return True
