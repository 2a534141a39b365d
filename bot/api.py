"""The bot seam: the one small interface the server calls, whichever runtime is configured.

`bot/` is a leaf package: it never imports `server/`. The server passes everything the bot
needs to know about the conversation (language, service hours, fallback streak) in a
`BotContext` and gets a `BotTurn` back: the replies to show, the detected intent, and the
handoff/safety decision. The server stores the replies and changes chat state itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = ("fi", "sv", "en")

REQUEST_HUMAN_PAYLOAD = "/request_human"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotReply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class ServicePoint:
    """One entry of the county's service directory, as the server hands it to the bot
    (bot/directory.py: the types; server/services/directory.py: where they are kept)."""

    name: dict[str, str]  # lang -> name; "fi" always present
    type: str
    municipality: str
    address: str = ""
    hours: dict[str, str] = field(default_factory=dict)  # lang -> opening hours
    phone: str = ""
    web: str = ""
    languages: tuple[str, ...] = ("fi",)


@dataclass(frozen=True)
class BotContext:
    """What the server tells the bot about the chat for one turn."""

    chat_id: str
    lang: Lang
    in_service_hours: bool
    # Human-readable service hours in `lang`, e.g. "ma–pe 8–16", produced by the server.
    service_hours_text: str
    # How many bot turns in a row ended in nlu_fallback before this one.
    fallback_streak: int = 0
    # In service hours: is at least one staff member (role `staff`) on duty and available now?
    # False means a handoff still queues the chat, but nobody reads it until someone comes:
    # the bot must say so honestly (never "everyone is busy").
    staff_on_duty: bool = True
    # County-specific facts (phone numbers, addresses) from configuration, by key.
    facts: dict[str, str] = field(default_factory=dict)
    # The resident's municipality, when the chat gave one (the editor's preview sets it too).
    municipality: str | None = None
    # The service directory's points in the chat's municipality (all types), and the
    # municipalities (Finnish names) that have points, for the bot to ask with buttons.
    services: tuple[ServicePoint, ...] = ()
    service_municipalities: tuple[str, ...] = ()


@dataclass(frozen=True)
class BotTurn:
    """The bot's answer to one resident message."""

    replies: tuple[BotReply, ...]
    intent: str | None = None
    confidence: float = 0.0
    # The resident should be handed to a person (queued) now.
    handoff: bool = False
    # Safety cue detected: emergency guidance was shown; queue with priority.
    safety: bool = False
    # The new value of BotContext.fallback_streak after this turn.
    fallback_streak: int = 0
    # The published content version that answered: the embedded bot's live content, or the
    # version the Rasa server was last seen to have loaded; None when unknown (a Rasa server
    # with a model of its own, the minimal test bot).
    content_version: int | None = None


class Bot(Protocol):
    """A bot runtime. Implementations must not block the event loop."""

    async def greet(self, ctx: BotContext) -> BotTurn:
        """The opening turn of a new chat (welcome text and quick replies)."""
        ...

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        """Answer one resident message."""
        ...

    async def close(self) -> None:
        """Release resources (HTTP clients, thread pools)."""
        ...
