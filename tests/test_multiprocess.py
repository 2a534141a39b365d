"""Two server processes sharing PostgreSQL and Redis: one region-wide service."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.backends import server_pair
from tests.clients import Resident, StaffClient, created, reaches_seq, unique
from tests.processes import ServerProcess, create_staff


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with server_pair(tmp_path_factory.mktemp("pair")) as servers:
        yield servers


async def test_resident_on_a_staff_on_b_full_chat_and_resume_elsewhere(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    staff = await StaffClient.start(b, create_staff(b, unique("s"), display_name="Eero"))
    resident = await Resident.start(a)
    await resident.say("Tarvitsen apua")
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    while True:  # the queue change made on A reaches staff on B
        update = await staff.expect("queue.updated")
        if any(i["chat_id"] == resident.chat_id for i in update["items"]):
            break
    assigned = await staff.accept(resident.chat_id)
    assert any(m["text"] == "Tarvitsen apua" for m in assigned["transcript"])
    await resident.expect("chat.state", state="active")
    await staff.say(resident.chat_id, "Hei, täällä Eero")
    assert (await resident.expect("message.created", author="staff"))["author_name"] == "Eero"
    ack = await resident.say("Kiitos")
    await staff.expect("message.created", text="Kiitos")
    # reconnect to the other process, resuming from an older seq
    await resident.close()
    welcome = await resident.connect(b, last_seq=ack["seq"] - 2)
    replay = await resident.until(reaches_seq(welcome["last_seq"]))
    replay = created(replay + await resident.settle())
    assert [f["seq"] for f in replay] == [ack["seq"] - 1, ack["seq"]]
    await staff.say(resident.chat_id, "Vielä yksi asia")
    assert (await resident.expect("message.created", author="staff"))["text"] == "Vielä yksi asia"
    await staff.close()
    await resident.close()


async def test_accept_race_across_processes(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    for _ in range(5):
        one = await StaffClient.start(a, create_staff(a, unique("s")))
        two = await StaffClient.start(b, create_staff(b, unique("s")))
        resident = await Resident.start(a)
        await resident.send({"type": "handoff.request"})
        await resident.expect("chat.state", state="queued")
        frame = {"type": "chat.accept", "chat_id": resident.chat_id}
        await asyncio.gather(one.send(frame), two.send(frame))

        async def outcome(client: StaffClient, chat_id: str) -> str:
            while True:
                got = await client.next(timeout=5)
                if got["type"] == "chat.assigned" and got["chat_id"] == chat_id:
                    return "won"
                if got["type"] == "error" and got.get("chat_id") == chat_id:
                    assert got["code"] == "conflict"
                    return "lost"

        results = sorted(await asyncio.gather(outcome(one, resident.chat_id),
                                              outcome(two, resident.chat_id)))
        assert results == ["lost", "won"]
        for client in (one, two, resident):
            await client.close()
