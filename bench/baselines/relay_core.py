"""The baselines' shared relay: the same frames as Neuvo's message path, nothing else.

A resident says hello with a chat id, a staff member with the chat ids it holds. A resident's
`message.send` gets a per-chat seq, a `message.ack` back and a `message.created` to the staff
member of that chat. Nothing is stored (no persistence, no idempotency, no validation beyond
JSON, no rate limits): this is the practical ceiling a framework allows, not a chat server."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[str], Awaitable[None]]
WELCOME = json.dumps({"type": "welcome"})


class Relay:
    def __init__(self, drop_every: int = 0, duplicate_every: int = 0) -> None:
        self.staff: dict[str, Send] = {}
        self.seq: dict[str, int] = {}
        # Fault injection, only to prove the generator catches losses and duplicates.
        self.drop_every, self.duplicate_every, self.count = drop_every, duplicate_every, 0

    def hello(self, frame: dict[str, Any], send: Send) -> str | None:
        """Registers a staff member's chats; returns a resident's chat id."""
        if frame.get("role") == "staff":
            for chat_id in frame.get("chats", []):
                self.staff[chat_id] = send
            return None
        return str(frame["chat_id"])

    def forget(self, send: Send) -> None:
        for chat_id in [c for c, s in self.staff.items() if s is send]:
            del self.staff[chat_id]

    def created(self, chat_id: str, frame: dict[str, Any]) -> tuple[str, str]:
        """(ack, created) for a resident's message.send, both encoded once."""
        seq = self.seq[chat_id] = self.seq.get(chat_id, 0) + 1
        cid = frame.get("client_msg_id")
        ack = json.dumps({"type": "message.ack", "client_msg_id": cid, "seq": seq})
        created = json.dumps({"type": "message.created", "chat_id": chat_id, "seq": seq,
                              "author": "resident", "text": frame.get("text"),
                              "client_msg_id": cid}, ensure_ascii=False)
        return ack, created

    async def message(self, chat_id: str, raw: str, reply: Send) -> None:
        frame = json.loads(raw)
        if frame.get("type") != "message.send":
            return
        ack, created = self.created(chat_id, frame)
        await reply(ack)
        target = self.staff.get(chat_id)
        self.count += 1
        if target is None or (self.drop_every and self.count % self.drop_every == 0):
            return
        await target(created)
        if self.duplicate_every and self.count % self.duplicate_every == 0:
            await target(created)


def options() -> tuple[int, Relay]:
    """--port, and the fault injection the harness's own tests use (tests/test_loadgen.py)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--drop-every", type=int, default=0, help="test only: lose every Nth")
    parser.add_argument("--duplicate-every", type=int, default=0, help="test only: repeat every Nth")
    args = parser.parse_args()
    return int(args.port), Relay(args.drop_every, args.duplicate_every)
