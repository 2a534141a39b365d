"""Waiting for a known state, never for a fixed time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 3.0,
                     step: float = 0.02) -> None:
    """Poll `check` until it holds (a known state), failing after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            if await check():
                return
            await asyncio.sleep(step)
