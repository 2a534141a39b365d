"""Locks contract: one holder per name at a time, names apart, released on errors."""

from __future__ import annotations

import asyncio

import pytest

from server.bus.base import LockTimeout
from tests.contracts.conftest import Kit, hold


async def test_one_holder_at_a_time(kit: Kit) -> None:
    inside: list[int] = []
    order: list[int] = []

    async def critical(i: int) -> None:
        async with kit.locks.lock("chat:1", 10):
            inside.append(i)
            assert len(inside) == 1
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            order.append(i)
            inside.remove(i)

    await asyncio.gather(*(critical(i) for i in range(15)))
    assert sorted(order) == list(range(15))


async def test_other_names_do_not_wait(kit: Kit) -> None:
    release, task = await hold(kit, "a", 10)
    async with asyncio.timeout(5):
        async with kit.locks.lock("b", 10):
            pass  # entered while "a" is still held
    release.set()
    await task


async def test_released_when_the_body_raises(kit: Kit) -> None:
    with pytest.raises(RuntimeError):
        async with kit.locks.lock("boom", 10):
            raise RuntimeError("inside")
    async with asyncio.timeout(5):
        async with kit.locks.lock("boom", 10):
            pass


async def test_waiting_longer_than_the_timeout_fails(kit: Kit) -> None:
    release, task = await hold(kit, "slow", 10)
    try:
        with pytest.raises(LockTimeout, match="could not acquire lock"):
            async with asyncio.timeout(3):
                async with kit.locks.lock("slow", 0.3):
                    pass
    finally:
        release.set()
        await task
