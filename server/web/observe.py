"""Bot latency for /metrics: the configured bot wrapped, the same interface outwards."""

from __future__ import annotations

import time

from bot.api import Bot, BotContext, BotTurn
from server.metrics import BOT_FAILURES, BOT_SECONDS


class TimedBot:
    def __init__(self, inner: Bot) -> None:
        self.inner = inner

    async def greet(self, ctx: BotContext) -> BotTurn:
        started = time.perf_counter()
        try:
            return await self.inner.greet(ctx)
        except BaseException:
            BOT_FAILURES.labels("greet").inc()
            raise
        finally:
            BOT_SECONDS.labels("greet").observe(time.perf_counter() - started)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        started = time.perf_counter()
        try:
            return await self.inner.respond(text, ctx)
        except BaseException:
            BOT_FAILURES.labels("respond").inc()
            raise
        finally:
            BOT_SECONDS.labels("respond").observe(time.perf_counter() - started)

    async def close(self) -> None:
        await self.inner.close()
