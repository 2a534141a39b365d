"""Protocol v1 client frames (resident and staff sockets) as typed models.

Client frames are strict (extra fields forbidden, no type coercion) so that an object or an
array where a string belongs is refused.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from server.protocol.checks import MAX_INT, QueueId, SafeStr
from server.protocol.frames import MAX_TEXT_CHARS, Outcome

ClientMsgId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Id = Annotated[SafeStr, Field(min_length=1, max_length=64)]
# Length is checked by the service (too_large), not here (invalid_frame).
Text = Annotated[SafeStr, Field(min_length=1)]
Seq = Annotated[int, Field(ge=1, le=MAX_INT)]


class ClientFrame(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- resident client frames -------------------------------------------------------------
class Hello(ClientFrame):
    type: Literal["hello"]
    chat_id: Id
    token: Annotated[SafeStr, Field(min_length=1, max_length=256)]
    last_seq: Annotated[int, Field(ge=0, le=MAX_INT)] = 0


class ResidentMessageSend(ClientFrame):
    type: Literal["message.send"]
    client_msg_id: ClientMsgId
    text: Text


class ResidentTyping(ClientFrame):
    type: Literal["typing"]
    active: bool


class ResidentRead(ClientFrame):
    type: Literal["read"]
    seq: Seq


class HandoffRequest(ClientFrame):
    type: Literal["handoff.request"]


class ResidentChatClose(ClientFrame):
    type: Literal["chat.close"]


class FeedbackSubmit(ClientFrame):
    type: Literal["feedback.submit"]
    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[SafeStr, Field(max_length=2000)] | None = None


class Ping(ClientFrame):
    type: Literal["ping"]


ResidentFrame = Annotated[
    Hello | ResidentMessageSend | ResidentTyping | ResidentRead | HandoffRequest
    | ResidentChatClose | FeedbackSubmit | Ping,
    Field(discriminator="type"),
]


# --- staff client frames ----------------------------------------------------------------
class PresenceSet(ClientFrame):
    type: Literal["presence.set"]
    status: Literal["available", "away"]


class ChatAccept(ClientFrame):
    type: Literal["chat.accept"]
    chat_id: Id


class QueueTakeNext(ClientFrame):
    type: Literal["queue.take_next"]


class StaffMessageSend(ClientFrame):
    type: Literal["message.send"]
    chat_id: Id
    client_msg_id: ClientMsgId
    text: Text


class StaffTyping(ClientFrame):
    type: Literal["typing"]
    chat_id: Id
    active: bool


class StaffRead(ClientFrame):
    type: Literal["read"]
    chat_id: Id
    seq: Seq


class ChatTransfer(ClientFrame):
    type: Literal["chat.transfer"]
    chat_id: Id
    # A colleague's username, or "queue" to put the chat back in the queue.
    to: Annotated[SafeStr, Field(min_length=1, max_length=64)]
    note: Annotated[SafeStr, Field(max_length=MAX_TEXT_CHARS)] | None = None
    # With to = "queue": another service queue's id (the resident is told which service
    # continues); `confirm` transfers to a queue that is closed now.
    queue: QueueId | None = None
    confirm: bool = False


class CloseTags(ClientFrame):
    topics: Annotated[list[Annotated[SafeStr, Field(max_length=64)]], Field(min_length=1, max_length=10)]
    outcome: Outcome
    referred_to: Annotated[SafeStr, Field(max_length=200)] | None = None


class StaffChatClose(ClientFrame):
    type: Literal["chat.close"]
    chat_id: Id
    tags: CloseTags


class ChatReassign(ClientFrame):
    """Supervisors only: move a queued or active chat to a colleague or back to the queue."""

    type: Literal["chat.reassign"]
    chat_id: Id
    to: Annotated[SafeStr, Field(min_length=1, max_length=64)]
    queue: QueueId | None = None  # with to = "queue": move it to this service queue


StaffFrame = Annotated[
    PresenceSet | ChatAccept | QueueTakeNext | StaffMessageSend | StaffTyping | StaffRead
    | ChatTransfer | StaffChatClose | ChatReassign | Ping,
    Field(discriminator="type"),
]


RESIDENT_FRAMES: TypeAdapter[Any] = TypeAdapter(ResidentFrame)
STAFF_FRAMES: TypeAdapter[Any] = TypeAdapter(StaffFrame)
