"""Routing between service queues (issue 13), on SQLite and on PostgreSQL + Redis, through
the public protocol: an entry point (`queue` on POST /api/v1/chats), routing by the bot's
topic, the bot's question when the topic is unclear, safety cues to the crisis queue with
priority, positions per queue, take_next across a staff member's queues and languages,
transfers between queues (also across two processes), per-queue hours, and the management
API's refusals. With one queue everything works as before (the other protocol tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.backends import BACKENDS, Backend, server_pair
from tests.clients import Resident, StaffClient, unique
from tests.editor.editor_helpers import Api, api
from tests.processes import ServerProcess, create_staff, run_cli

pytestmark = pytest.mark.timeout(300)
ALWAYS = {"always": True, "tz": "Europe/Helsinki", "weekly": {}, "exceptions": []}
FAMILY_TOPICS = ["income_support_basic", "income_support_urgent"]


def closed_today() -> dict[str, Any]:
    today = datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()
    week = {day: [{"from": "08:00", "to": "16:00"}]
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return {"always": False, "tz": "Europe/Helsinki", "weekly": week,
            "exceptions": [{"date": today, "from": None, "to": None, "note": "koulutus"}]}


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    backend = Backend(request.param)
    try:
        with backend.server(tmp_path_factory.mktemp("routing"), NEUVO_BOT="embedded") as srv:
            yield srv
    finally:
        backend.close()


async def add_queue(a: Api, queue_id: str, **fields: Any) -> dict[str, Any]:
    body = {"id": queue_id, "names": {"fi": f"Palvelu {queue_id}", "sv": f"Tjänst {queue_id}",
                                      "en": f"Service {queue_id}"}, "hours": ALWAYS, **fields}
    return dict(await a.ok("POST", "/api/v1/supervisor/queues", body, status=201))


async def queue_item(staff: StaffClient, chat_id: str, queue: str) -> dict[str, Any]:
    """The chat's item, waiting in `queue`, in a queue.updated frame."""
    def waiting(frame: dict[str, Any]) -> bool:
        return frame["type"] == "queue.updated" and any(
            i["chat_id"] == chat_id and i["queue"] == queue for i in frame["items"])

    frames = await staff.until(waiting)
    return dict(next(i for i in frames[-1]["items"] if i["chat_id"] == chat_id))


async def test_routing_in_one_county(server: ServerProcess) -> None:
    """One county, step by step (the queues persist between the steps)."""
    boss = create_staff(server, unique("sup"), role="supervisor")
    family_worker = create_staff(server, unique("fam"), languages="fi")
    async with api(server, boss) as a:
        # With only the default queue a handoff queues as before.
        watcher = await StaffClient.start(server, create_staff(server, unique("w")))
        plain = await Resident.start(server, "fi")
        await plain.send({"type": "handoff.request"})
        await plain.expect("chat.state", state="queued")
        await queue_item(watcher, plain.chat_id, "default")

        await add_queue(a, "family", topics=FAMILY_TOPICS,
                        descriptions={"fi": "Lapsiperheiden neuvonta"})
        members = await a.ok("PUT", "/api/v1/supervisor/queues/family/members",
                             {"members": [family_worker]})
        assert members["member_usernames"] == [family_worker] and len(members["members"]) == 1
        listed = (await a.http.get("/api/v1/queues?lang=sv")).json()["items"]
        assert {i["id"] for i in listed} == {"default", "family"}
        assert next(i for i in listed if i["id"] == "family")["name"] == "Tjänst family"
        assert all(i["open_now"] for i in listed)

        # Entry point: the widget's data-queue.
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            bad = await http.post("/api/v1/chats", json={"lang": "fi", "queue": "nosuch"})
            assert bad.status_code == 422 and bad.json()["error"] == "invalid_frame"
            assert "queue" in bad.json()["message"]
            status = (await http.get("/api/v1/service/status?lang=fi&queue=family")).json()
            assert status["queue"] == "family" and status["queue_name"] == "Palvelu family"
        entry = await Resident.start(server, "fi", queue="family")
        await entry.send({"type": "handoff.request"})
        await entry.expect("chat.state", state="queued")
        await queue_item(watcher, entry.chat_id, "family")
        position = await entry.expect("queue.position")
        assert position["position"] == 1  # first in its own queue, whatever waits elsewhere

        # The general door with no topic: the bot asks which service.
        unclear = await Resident.start(server, "fi")
        await unclear.send({"type": "handoff.request"})
        ask = await unclear.until(lambda f: f["type"] == "message.created" and bool(
            f.get("buttons")) and "choose_service" in f["buttons"][0]["payload"])
        buttons = ask[-1]["buttons"]
        assert [b["title"] for b in buttons] == ["Aikuissosiaalityö", "Palvelu family"]
        await unclear.say(buttons[1]["payload"])
        await unclear.expect("chat.state", state="queued")
        await queue_item(watcher, unclear.chat_id, "family")

        # A recognised topic goes to the queue that lists it.
        topical = await Resident.start(server, "fi")
        ack = await topical.say("Miten haen perustoimeentulotukea?")
        await topical.until(lambda f: f["type"] == "message.created" and f["author"] == "bot"
                            and f["seq"] > ack["seq"])
        await topical.send({"type": "handoff.request"})
        await topical.expect("chat.state", state="queued")
        await queue_item(watcher, topical.chat_id, "family")

        # A safety cue goes to the crisis queue with priority, whatever the entry point.
        await add_queue(a, "crisis", crisis=True)
        danger = await Resident.start(server, "fi", queue="family")
        await danger.say("Haluan tappaa itseni tänä yönä")
        await danger.expect("chat.state", state="queued", timeout=30)
        item = await queue_item(watcher, danger.chat_id, "crisis")
        assert item["priority"] is True

        # take_next: the family worker takes from the family queue only.
        worker = await StaffClient.start(server, family_worker)
        await worker.send({"type": "queue.take_next"})
        taken = await worker.expect("chat.assigned")
        assert taken["chat_id"] in {entry.chat_id, unclear.chat_id, topical.chat_id}

        # Transfer to another service: closed → refused unless confirmed; the resident is told.
        await add_queue(a, "evening", hours=closed_today())
        await worker.send({"type": "chat.transfer", "chat_id": taken["chat_id"], "to": "queue",
                           "queue": "evening"})
        refused = await worker.expect("error")
        assert refused["code"] == "conflict" and "closed" in refused["message"]
        await worker.send({"type": "chat.transfer", "chat_id": taken["chat_id"], "to": "queue",
                           "queue": "nosuch"})
        assert (await worker.expect("error"))["code"] == "invalid_frame"
        await worker.send({"type": "chat.transfer", "chat_id": taken["chat_id"], "to": "queue",
                           "queue": "default", "note": "aikuissosiaalityön asia"})
        await worker.expect("chat.released", chat_id=taken["chat_id"])
        await queue_item(watcher, taken["chat_id"], "default")

        # Out of a queue's hours the resident hears when it opens and what is open now.
        late = await Resident.start(server, "en", queue="evening")
        await late.send({"type": "handoff.request"})
        told = await late.until(lambda f: f["type"] == "message.created"
                                and f["author"] == "system" and "Service evening" in f["text"])
        assert "open now" in told[-1]["text"] and "Adult social work" in told[-1]["text"]

        # Management refusals.
        assert (await a.call("DELETE", "/api/v1/supervisor/queues/default")).status_code == 422
        busy = await a.call("DELETE", "/api/v1/supervisor/queues/family")
        assert busy.status_code == 409 and busy.json()["open_chats"] >= 1
        assert busy.json()["members"] == 1
        assert (await a.call("DELETE", "/api/v1/supervisor/queues/nosuch")).status_code == 404
        twice = await a.call("POST", "/api/v1/supervisor/queues",
                             {"id": "family", "names": {"fi": "x"}})
        assert twice.status_code == 409
        renamed = await a.ok("PUT", "/api/v1/supervisor/queues/family",
                             {"revision": 1, "names": {"fi": "Perhekeskus"}})
        assert renamed["revision"] == 2 and renamed["names"] == {"fi": "Perhekeskus"}
        stale = await a.call("PUT", "/api/v1/supervisor/queues/family",
                             {"revision": 1, "names": {"fi": "Toinen nimi"}})
        assert stale.status_code == 409
        safety = await a.call("PUT", "/api/v1/supervisor/queues/family",
                              {"revision": 2, "topics": ["crisis_suicide"]})
        assert safety.status_code == 422 and "crisis queue" in safety.json()["message"]
        overview = await a.ok("GET", "/api/v1/supervisor/overview")
        per_queue = {q["id"]: q for q in overview["queues"]}
        assert per_queue["crisis"]["length"] >= 1 and per_queue["family"]["staff_on_duty"] == 1
        for client in (plain, entry, unclear, topical, danger, late):
            await client.close()
        await watcher.close()
        await worker.close()


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with server_pair(tmp_path) as servers:
        yield servers


async def test_transfer_between_queues_across_two_processes(
        pair: tuple[ServerProcess, ServerProcess]) -> None:
    one, two = pair
    boss = create_staff(one, unique("sup"), role="supervisor")
    first = create_staff(one, unique("a"))
    second = create_staff(one, unique("b"))
    async with api(one, boss) as a:
        await add_queue(a, "money", public=False)  # staff-only: transfers, no widget door
        await a.ok("PUT", "/api/v1/supervisor/queues/money/members", {"members": [second]})
    staff_a = await StaffClient.start(one, first)
    staff_b = await StaffClient.start(two, second)
    resident = await Resident.start(two, "fi")
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    await staff_a.send({"type": "queue.take_next"})
    await staff_a.expect("chat.assigned", chat_id=resident.chat_id)
    await staff_a.send({"type": "chat.transfer", "chat_id": resident.chat_id, "to": "queue",
                        "queue": "money", "note": "velka-asia"})
    told = await resident.until(lambda f: f["type"] == "message.created"
                                and "Palvelu money" in f.get("text", ""))
    assert "velka-asia" not in json.dumps(told)
    await queue_item(staff_b, resident.chat_id, "money")
    await staff_b.send({"type": "queue.take_next"})
    moved = await staff_b.expect("chat.assigned", chat_id=resident.chat_id)
    assert [n["text"] for n in moved["notes"]] == ["velka-asia"] and moved["queue"] == "money"
    for client in (staff_a, staff_b, resident):
        await client.close()


async def test_the_demo_queue_command_adds_a_second_service_once(tmp_path: Path) -> None:
    """`make run` runs `neuvo queue demo` before serving: the demo shows two services."""
    from tests.processes import base_env, migrate

    env = base_env(f"sqlite:///{tmp_path / 'neuvo.db'}")
    migrate(env)
    first = run_cli(["queue", "demo"], env)
    assert first.returncode == 0 and "added" in first.stdout, first.stderr
    again = run_cli(["queue", "demo"], env)
    assert again.returncode == 0 and "exists already" in again.stdout
    server = ServerProcess(env=env, log_path=tmp_path / "server.log")
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            items = (await http.get("/api/v1/queues?lang=en")).json()["items"]
    finally:
        server.stop()
    assert [(i["id"], i["name"]) for i in items] == [
        ("default", "Adult social work"),
        ("mielenterveys", "Mental health and substance abuse services")]
