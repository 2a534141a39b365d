"""Protocol v1 server frames as typed models, the shared types and limits, and the one
encode/decode pair. Server frames are what the server sends on the sockets and what travels
on the bus: the same bytes serve both. Client frames are in `server.protocol.client`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

# Re-exported: the protocol's types are imported from here.
from server.vocabulary import Lang as Lang
from server.vocabulary import Outcome as Outcome

ChatState = Literal["bot", "queued", "active", "closed"]
Author = Literal["resident", "bot", "staff", "system"]
ErrorCode = Literal[
    "invalid_frame", "unauthorized", "forbidden", "too_large", "rate_limited", "conflict",
    "chat_closed", "unavailable",
]
MAX_TEXT_CHARS = 4000
MAX_FRAME_BYTES = 16 * 1024

# --- server frames ----------------------------------------------------------------------
class ServerFrame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Fields that are sent as null rather than left out when they are None.
    KEEP_NULL: ClassVar[tuple[str, ...]] = ()


class Button(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    payload: str


class Welcome(ServerFrame):
    type: Literal["welcome"] = "welcome"
    chat_id: str
    state: ChatState
    last_seq: int
    lang: Lang


class MessageAck(ServerFrame):
    type: Literal["message.ack"] = "message.ack"
    client_msg_id: str
    seq: int
    chat_id: str | None = None


class MessageCreated(ServerFrame):
    type: Literal["message.created"] = "message.created"
    chat_id: str | None = None
    seq: int
    author: Author
    author_name: str | None = None
    text: str
    created_at: str
    buttons: list[Button] | None = None
    client_msg_id: str | None = None


class ChatStateFrame(ServerFrame):
    type: Literal["chat.state"] = "chat.state"
    chat_id: str | None = None
    state: ChatState
    # Why the state changed: handoff, accepted, transferred, staff_disconnected, closed_by_*.
    reason: str | None = None
    priority: bool | None = None


class QueuePosition(ServerFrame):
    KEEP_NULL = ("estimated_wait_s",)
    type: Literal["queue.position"] = "queue.position"
    chat_id: str | None = None
    position: int
    estimated_wait_s: int | None = None
    # Staff members on duty and available now (0: nobody reads the queue yet). Addition.
    staff_on_duty: int | None = None


class TypingFrame(ServerFrame):
    type: Literal["typing"] = "typing"
    chat_id: str | None = None
    author: Author
    active: bool


class ReadFrame(ServerFrame):
    type: Literal["read"] = "read"
    chat_id: str | None = None
    seq: int
    by: Author


class ErrorFrame(ServerFrame):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    client_msg_id: str | None = None
    chat_id: str | None = None


class QueueItem(BaseModel):
    KEEP_NULL: ClassVar[tuple[str, ...]] = ("topic", "municipality")
    model_config = ConfigDict(extra="forbid", frozen=True)
    chat_id: str
    waited_s: int
    lang: Lang
    topic: str | None
    priority: bool
    municipality: str | None
    queue: str = "default"  # the service queue it waits in (issue 13)


class QueueSnapshot(ServerFrame):
    type: Literal["queue.snapshot"] = "queue.snapshot"
    items: list[QueueItem]


class QueueUpdated(ServerFrame):
    type: Literal["queue.updated"] = "queue.updated"
    items: list[QueueItem]


class NoteItem(BaseModel):
    """An internal note between staff (never shown to the resident)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    author_name: str
    created_at: str


class ChatAssigned(ServerFrame):
    type: Literal["chat.assigned"] = "chat.assigned"
    chat_id: str
    lang: Lang
    topic: str | None = None
    municipality: str | None = None
    priority: bool = False
    transcript: list[MessageCreated]
    notes: list[NoteItem] = []
    # False when the resident's socket has been gone for a while (see chat.presence).
    resident_online: bool = True
    queue: str = "default"  # the service queue the chat came from (routing, issue 13)


class ChatReleased(ServerFrame):
    type: Literal["chat.released"] = "chat.released"
    chat_id: str
    reason: Literal["transferred", "requeued", "closed", "reassigned"]


class PresenceUpdated(ServerFrame):
    type: Literal["presence.updated"] = "presence.updated"
    status: Literal["available", "away"]
    active_chats: int
    capacity: int


class ChatPresence(ServerFrame):
    """To the assigned staff member: the resident's socket has been gone for a while
    (`resident_online` false, `since` = when it was last seen) or is back (true). Addition."""

    type: Literal["chat.presence"] = "chat.presence"
    chat_id: str
    resident_online: bool
    since: str


class FeedbackAck(ServerFrame):
    type: Literal["feedback.ack"] = "feedback.ack"
    chat_id: str | None = None


class Pong(ServerFrame):
    type: Literal["pong"] = "pong"


class SessionRevoked(ServerFrame):
    """Bus-only: a staff account's sessions ended; its sockets close at once."""

    type: Literal["session.revoked"] = "session.revoked"
    staff_id: str


class StaffChanged(ServerFrame):
    """Bus-only: a staff account's roles, capacity or languages changed; open sockets
    re-read the account at once (and close when it may no longer take chats)."""

    type: Literal["staff.changed"] = "staff.changed"
    staff_id: str


class ConfigChanged(ServerFrame):
    """Bus-only: service settings changed in the database; drop cached copies."""

    type: Literal["config.changed"] = "config.changed"


class ContentPublished(ServerFrame):
    """Bus-only: a bot content version was published; every process switches to it."""

    type: Literal["content.published"] = "content.published"
    version: int


class ConsultReplyItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: int
    author_name: str
    text: str
    created_at: str


class ConsultThreadItem(BaseModel):
    KEEP_NULL: ClassVar[tuple[str, ...]] = ("topic",)
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    created_at: str
    author_name: str
    lang: Lang
    topic: str | None
    text: str
    replies: list[ConsultReplyItem]


class ConsultUpdated(ServerFrame):
    """To every staff socket: a consultation thread was created or got a reply."""

    type: Literal["consult.updated"] = "consult.updated"
    thread: ConsultThreadItem


AnyServerFrame = Annotated[
    Welcome | MessageAck | MessageCreated | ChatStateFrame | QueuePosition | TypingFrame
    | ReadFrame | ErrorFrame | QueueSnapshot | QueueUpdated | ChatAssigned | ChatReleased
    | PresenceUpdated | FeedbackAck | Pong | SessionRevoked | ConfigChanged | ConsultUpdated
    | ChatPresence | StaffChanged | ContentPublished,
    Field(discriminator="type"),
]

SERVER_FRAMES: TypeAdapter[Any] = TypeAdapter(AnyServerFrame)


def _dump(model: BaseModel) -> dict[str, Any]:
    data = model.model_dump(mode="json", exclude_none=True)
    for name in getattr(model, "KEEP_NULL", ()):
        data.setdefault(name, None)
    for name, value in model:
        if isinstance(value, BaseModel) and name in data:
            data[name] = _dump(value)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            data[name] = [_dump(v) for v in value]
    return data


def encode(frame: ServerFrame) -> str:
    """The JSON text of a server frame, as sent on a socket and on the bus."""
    import json

    return json.dumps(_dump(frame), ensure_ascii=False, separators=(",", ":"))


def decode_server(data: str | bytes) -> ServerFrame:
    frame: ServerFrame = SERVER_FRAMES.validate_json(data)
    return frame
