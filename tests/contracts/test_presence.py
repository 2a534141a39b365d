"""Presence contract: an entry per staff id with a status, gone when removed or expired."""

from __future__ import annotations

from tests.contracts.conftest import Kit
from tests.waiting import eventually


async def absent(kit: Kit, staff_id: str) -> bool:
    return staff_id not in await kit.presence.all()


async def test_set_update_and_remove(kit: Kit) -> None:
    assert await kit.presence.all() == {}
    await kit.presence.set("s1", "available", 60)
    await kit.presence.set("s2", "away", 60)
    assert await kit.presence.all() == {"s1": "available", "s2": "away"}
    await kit.presence.set("s1", "away", 60)
    assert await kit.presence.all() == {"s1": "away", "s2": "away"}
    await kit.presence.remove("s1")
    await kit.presence.remove("nobody")  # harmless
    assert await kit.presence.all() == {"s2": "away"}


async def test_an_entry_expires_after_its_ttl_and_others_stay(kit: Kit) -> None:
    await kit.presence.set("short", "available", 0.2)
    await kit.presence.set("long", "available", 60)
    assert set(await kit.presence.all()) == {"short", "long"}
    await eventually(lambda: absent(kit, "short"))
    assert await kit.presence.all() == {"long": "available"}


async def test_a_refresh_extends_the_entry(kit: Kit) -> None:
    await kit.presence.set("s1", "available", 0.2)
    await kit.presence.set("s1", "available", 60)
    await kit.presence.set("probe", "available", 0.2)
    await eventually(lambda: absent(kit, "probe"))
    # The probe (same first ttl) expired; the refreshed entry did not.
    assert await kit.presence.all() == {"s1": "available"}
