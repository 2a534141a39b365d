"""A short per-process cache of computed reports (NEUVO_STATS_CACHE_S, default 60 s): the
statistics describe ended chats, so a page that reloads or exports the same filter within a
minute gets the same figures without scanning a year of rows again. An upload of phone calls
empties it. 0 turns it off."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

MAX_ENTRIES = 64


class ReportCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    async def get(self, key: Hashable, ttl_s: float, compute: Callable[[], Awaitable[Any]]) -> Any:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < ttl_s:
            self._entries.move_to_end(key)
            return hit[1]
        value = await compute()
        if ttl_s > 0:
            self._entries[key] = (now, value)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


reports = ReportCache()
