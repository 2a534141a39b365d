"""RateLimiter contract: `limit` events per fixed window per key, counted, reset by prefix."""

from __future__ import annotations

import time

from tests.contracts.conftest import Kit
from tests.waiting import eventually


async def away_from_window_end(window_s: int, margin_s: float = 1.0) -> None:
    """Redis windows are aligned to the clock: do not start a count just before one ends."""
    async def away() -> bool:
        return time.time() % window_s <= window_s - margin_s

    await eventually(away, timeout=margin_s + 1)


async def test_allows_limit_events_then_refuses(kit: Kit) -> None:
    await away_from_window_end(60)
    results = [await kit.limiter.hit("k", 3, 60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert await kit.limiter.count("k", 60) == 5  # refused events count too


async def test_a_given_back_event_is_not_counted(kit: Kit) -> None:
    await away_from_window_end(60)
    assert [await kit.limiter.hit("g", 2, 60) for _ in range(2)] == [True, True]
    await kit.limiter.give_back("g", 60)
    assert await kit.limiter.count("g", 60) == 1
    assert await kit.limiter.hit("g", 2, 60)
    assert not await kit.limiter.hit("g", 2, 60)
    for _ in range(5):  # never below zero
        await kit.limiter.give_back("g", 60)
    await kit.limiter.give_back("never-hit", 60)
    assert await kit.limiter.count("g", 60) == 0
    assert await kit.limiter.count("never-hit", 60) == 0


async def test_keys_are_counted_apart(kit: Kit) -> None:
    await away_from_window_end(60)
    assert await kit.limiter.hit("a", 1, 60)
    assert not await kit.limiter.hit("a", 1, 60)
    assert await kit.limiter.hit("b", 1, 60)
    assert await kit.limiter.count("a", 60) == 2
    assert await kit.limiter.count("b", 60) == 1
    assert await kit.limiter.count("never", 60) == 0


async def test_a_new_window_allows_again(kit: Kit) -> None:
    await away_from_window_end(1, margin_s=0.5)
    assert await kit.limiter.hit("w", 1, 1)
    assert not await kit.limiter.hit("w", 1, 1)

    async def window_over() -> bool:
        return await kit.limiter.count("w", 1) == 0

    await eventually(window_over)
    assert await kit.limiter.hit("w", 1, 1)


async def test_reset_forgets_the_key_and_keys_below_it_only(kit: Kit) -> None:
    await away_from_window_end(60)
    for key in ("login", "login:alice", "login:alice:addr", "loginx"):
        await kit.limiter.hit(key, 1, 60)
    await kit.limiter.reset("login:alice")
    assert await kit.limiter.count("login:alice", 60) == 0
    assert await kit.limiter.count("login:alice:addr", 60) == 0
    assert await kit.limiter.count("login", 60) == 1
    assert await kit.limiter.count("loginx", 60) == 1
    assert await kit.limiter.hit("login:alice", 1, 60)
