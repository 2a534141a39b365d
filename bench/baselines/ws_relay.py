"""Baseline: a bare `websockets` relay in one process (the practical limit of the library
Neuvo's clients use). Run: python bench/baselines/ws_relay.py --port P"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from websockets.asyncio.server import serve

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relay_core import WELCOME, options

PORT, relay = options()


async def handler(ws: Any) -> None:
    hello = json.loads(await ws.recv())
    send = ws.send
    chat_id = relay.hello(hello, send)
    await ws.send(WELCOME)
    try:
        async for raw in ws:
            if chat_id is not None:
                await relay.message(chat_id, raw, send)
    finally:
        relay.forget(send)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=20,
                     compression=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(PORT))
