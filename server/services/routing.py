"""Which service queue a chat goes to when it is handed to a person.

1. A safety cue (now or earlier in the chat) goes to the crisis queue, with priority, whatever
   the entry point.
2. A topic the bot recognised goes to the queue that lists it.
3. Otherwise the chat waits in the queue it is in: the widget's `data-queue` entry point, a
   service the resident chose, or the default queue.
4. Except when the resident came in by the general door, the bot found no topic and the
   county runs several services: then the bot asks with buttons which service is needed
   (payload `/choose_service{"queue": "<id>"}`), and the choice queues the chat there.
Out of the target queue's hours the resident is told when that service is open and which
services are open now; nothing is queued.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from server.protocol.frames import Button
from server.services import texts
from server.services.queue_config import QueueConfig, Queues
from server.services.service_config import ServiceConfig
from server.store.models import Chat
from server.store.models_queues import DEFAULT_QUEUE

CHOICE_INTENT = "choose_service"
_CHOICE = re.compile(r'^/choose_service\{"queue":\s*"([a-z0-9_-]{1,32})"\}$')


@dataclass(frozen=True)
class Route:
    queue: QueueConfig | None  # None: ask the resident which service
    priority: bool


def route(queues: Queues, chat: Chat, priority: bool) -> Route:
    if priority or chat.safety_topic is not None:
        return Route(queues.crisis, True)
    routed = queues.for_topic(chat.topic)
    if routed is not None:
        return Route(routed, False)
    unclear = (chat.entry_queue == DEFAULT_QUEUE and chat.queue == DEFAULT_QUEUE
               and chat.topic is None and queues.several)
    return Route(None if unclear else queues.of(chat.queue), False)


def choice_payload(queue_id: str) -> str:
    return "/" + CHOICE_INTENT + json.dumps({"queue": queue_id}, separators=(",", ":"))


def parse_choice(text: str) -> str | None:
    """The queue id of a service-choice button's payload (None: not one)."""
    match = _CHOICE.match(text.strip())
    return match.group(1) if match else None


def choice_buttons(queues: Queues, lang: str) -> list[Button]:
    return [Button(title=q.name(lang), payload=choice_payload(q.id))
            for q in queues.items if q.public][:8]


def open_now(config: ServiceConfig, now: datetime, but: str) -> list[QueueConfig]:
    return [q for q in config.queues.items
            if q.public and q.id != but and config.hours_of(q.id).is_open(now)]


def closed_text(config: ServiceConfig, queue: QueueConfig, lang: str, now: datetime) -> str:
    """When the queue's service is open, and the services open now (if any)."""
    hours = config.hours_of(queue.id).describe(lang, now)
    if not config.queues.several:
        return texts.text("closed_hours", lang, hours=hours)
    text = texts.text("closed_service", lang, service=queue.name(lang), hours=hours)
    others = open_now(config, now, queue.id)
    if others:
        text += " " + texts.text("open_now", lang,
                                 services=", ".join(q.name(lang) for q in others))
    return text
