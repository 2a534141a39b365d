"""Baseline: python-socketio (ASGI under uvicorn) with its Redis manager, meant to run as two
processes (residents on one, staff on the other), the stack many teams would pick.
Staff members join a room per chat; a resident's message is emitted to the chat's room
through Redis and acked by the event's return value. No persistence.
Run: python bench/baselines/socketio_relay.py --port P --redis redis://…"""

from __future__ import annotations

import argparse
from typing import Any

import socketio
import uvicorn

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--redis", required=True)
args = parser.parse_args()

sio = socketio.AsyncServer(async_mode="asgi", client_manager=socketio.AsyncRedisManager(args.redis),
                           cors_allowed_origins="*")
chats: dict[str, str] = {}       # resident sid -> chat id (this process)
seqs: dict[str, int] = {}        # chat id -> last seq (residents of a chat are on one process)


@sio.on("hello")
async def hello(sid: str, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("role") == "staff":
        for chat_id in data.get("chats", []):
            await sio.enter_room(sid, chat_id)
    else:
        chats[sid] = str(data["chat_id"])
    return {"type": "welcome"}


@sio.on("message.send")
async def message(sid: str, data: dict[str, Any]) -> dict[str, Any]:
    chat_id = chats[sid]
    seq = seqs[chat_id] = seqs.get(chat_id, 0) + 1
    cid = data.get("client_msg_id")
    await sio.emit("message.created", {"type": "message.created", "chat_id": chat_id, "seq": seq,
                                       "author": "resident", "text": data.get("text"),
                                       "client_msg_id": cid}, room=chat_id)
    return {"type": "message.ack", "client_msg_id": cid, "seq": seq}


@sio.event
async def disconnect(sid: str, *_: Any) -> None:
    chats.pop(sid, None)


if __name__ == "__main__":
    uvicorn.run(socketio.ASGIApp(sio), host="127.0.0.1", port=args.port, ws="websockets-sansio",
                ws_per_message_deflate=False, access_log=False, log_level="warning")
