"""Baseline: a Starlette relay under uvicorn (the same framework and WebSocket stack as
Neuvo, without Neuvo's work). Run: python bench/baselines/starlette_relay.py --port P"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relay_core import WELCOME, options

PORT, relay = options()


async def endpoint(websocket: WebSocket) -> None:
    await websocket.accept()
    send = websocket.send_text
    chat_id = relay.hello(json.loads(await websocket.receive_text()), send)
    await websocket.send_text(WELCOME)
    try:
        while True:
            raw = await websocket.receive_text()
            if chat_id is not None:
                await relay.message(chat_id, raw, send)
    except WebSocketDisconnect:
        pass
    finally:
        relay.forget(send)


app = Starlette(routes=[WebSocketRoute("/ws", endpoint)])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, ws="websockets-sansio",
                ws_per_message_deflate=False, access_log=False, log_level="warning")
