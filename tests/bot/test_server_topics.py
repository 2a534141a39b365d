"""The chat's topic and priority as the bot sets them (defects issue items 3 and 7), with the
embedded bot behind a real server: a safety cue anywhere in the chat keeps its priority and
safety topic until it is closed (also when it was written out of hours), and conversational
intents such as "asked for a person" never replace a topic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.bot.test_server_bot import EMBEDDED, _closed_around_today, _turn
from tests.clients import Resident, StaffClient, unique
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {**EMBEDDED, "NEUVO_SERVICE_HOURS": _closed_around_today()}
    with start_server(tmp_path_factory.mktemp("embedded-topics"), env) as srv:
        yield srv


async def _set_hours(server: ServerProcess, body: dict[str, Any] | None) -> None:
    sup = create_staff(server, unique("sup"), role="supervisor")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/api/v1/staff/login", json={"username": sup, "password": PASSWORD})
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        if body is None:
            response = await http.delete("/api/v1/supervisor/service/hours", headers=headers)
        else:
            response = await http.put("/api/v1/supervisor/service/hours", json=body, headers=headers)
        assert response.status_code == 200, response.text


async def _queue_item(staff: StaffClient, chat_id: str) -> dict[str, Any]:
    while True:
        frame = await staff.expect("queue.updated", timeout=10)
        for item in frame["items"]:
            if item["chat_id"] == chat_id:
                return dict(item)


async def test_crisis_written_out_of_hours_keeps_priority_and_topic(server: ServerProcess) -> None:
    resident = await Resident.start(server, "fi")
    await resident.expect("message.created", seq=1)
    await _turn(resident, "en jaksa enää elää")  # the service is closed: nothing is queued
    await _turn(resident, "miten haen toimeentulotukea")  # a service question after it
    await _set_hours(server, {"always": True})
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    try:
        await resident.send({"type": "handoff.request"})
        state = await resident.expect("chat.state", state="queued", timeout=10)
        assert state["priority"] is True
        item = await _queue_item(staff, resident.chat_id)
        assert item["priority"] is True and item["topic"] == "crisis_suicide"
        assigned = await staff.accept(resident.chat_id)
        assert assigned["topic"] == "crisis_suicide" and assigned["priority"] is True
    finally:
        await _set_hours(server, None)
        await staff.close()
        await resident.close()


async def test_asking_for_a_person_keeps_the_service_topic(server: ServerProcess) -> None:
    await _set_hours(server, {"always": True})
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    resident = await Resident.start(server, "fi")
    try:
        await resident.expect("message.created", seq=1)
        await _turn(resident, "miten haen toimeentulotukea")
        await _turn(resident, "kiitos")
        await resident.say("/request_human")
        await resident.expect("chat.state", state="queued", timeout=10)
        item = await _queue_item(staff, resident.chat_id)
        assert item["topic"] == "income_support_basic" and item["priority"] is False
    finally:
        await _set_hours(server, None)
        await staff.close()
        await resident.close()
