"""The widget survives what residents' connections go through: a server restart mid-chat,
a page reload, an unsent message at reload, a chat the server no longer knows."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from playwright.async_api import Page, expect

from tests.clients import Resident, StaffClient, created, reaches_seq
from tests.processes import ServerProcess, create_staff
from tests.widget.widget_helpers import (
    messages,
    open_chat,
    open_host_page,
    send,
    start_chat,
    store_kind,
    stored_chat,
)


async def server_transcript(server: ServerProcess, chat_id: str, token: str) -> list[dict[str, Any]]:
    """Every stored message of the chat, replayed from seq 0 by a plain protocol client."""
    resident = Resident(None, chat_id, token)
    welcome = await resident.connect(server, last_seq=0)
    frames = await resident.until(reaches_seq(welcome["last_seq"]))
    frames = created(frames + await resident.settle())
    await resident.close()
    assert [f["seq"] for f in frames] == list(range(1, welcome["last_seq"] + 1))
    return frames


async def test_server_restart_mid_chat(page: Page, server: ServerProcess) -> None:
    create_staff(server, "anna", display_name="Anna")
    staff = await StaffClient.start(server, "anna")
    await open_host_page(page, server, lang="en")
    frame = await open_chat(page)
    await start_chat(frame)
    await frame.locator("#human").click()
    chat = await stored_chat(frame)
    await staff.accept(chat["chat_id"])
    await staff.say(chat["chat_id"], "Hello from Anna")
    await expect(messages(frame, "staff")).to_have_count(1)

    await send(frame, "first, before the crash")
    await expect(messages(frame, "resident").last.locator(".msg__status")).to_have_text("Delivered")

    # The server process is killed: the widget says so and keeps what the resident writes.
    await asyncio.to_thread(server.stop, True)
    await expect(frame.locator("#conn")).to_contain_text("Reconnecting")
    await send(frame, "second, while the server is down")
    await send(frame, "third, while the server is down")
    pending = messages(frame, "resident")
    await expect(pending.nth(1).locator(".msg__status")).to_have_text("Sending…")
    assert len((await stored_chat(frame))["outbox"]) == 2

    # Back on the same port and database: the widget reconnects on its own and sends them.
    await asyncio.to_thread(server.start)
    await expect(frame.locator("#conn")).to_have_attribute("data-state", "online", timeout=30_000)
    await expect(pending.nth(2).locator(".msg__status")).to_have_text("Delivered")
    await expect(messages(frame, "resident")).to_have_count(3)
    await expect(messages(frame, "staff")).to_have_count(1)
    assert (await stored_chat(frame))["outbox"] == []

    # The server has each message exactly once, in order, with no gaps.
    stored = await server_transcript(server, chat["chat_id"], chat["resident_token"])
    resident_texts = [f["text"] for f in stored if f["author"] == "resident"]
    assert resident_texts == ["first, before the crash", "second, while the server is down",
                              "third, while the server is down"]
    # And the widget shows exactly what the server stored.
    shown = await frame.locator("#log li.msg").evaluate_all(
        "items => items.map(li => Number(li.dataset.seq))")
    assert shown == [f["seq"] for f in stored]
    await staff.close()


async def test_reload_continues_the_same_chat(page: Page, server: ServerProcess) -> None:
    await open_host_page(page, server, lang="fi")
    frame = await open_chat(page)
    await start_chat(frame)
    await send(frame, "ennen uudelleenlatausta")
    await expect(messages(frame, "bot")).to_have_count(2)
    before = await stored_chat(frame)
    count = await messages(frame).count()

    # An unsent message waiting in the outbox at reload time goes out after the reload.
    kind = await store_kind(frame)
    before["outbox"].append({"client_msg_id": "reload-outbox-0001", "text": "jonossa lähtöä",
                             "shown": "jonossa lähtöä"})
    await put_stored_chat(page, kind, before)

    await page.reload()
    frame = await chat_frame_after_reload(page)
    await expect(messages(frame, "resident")).to_have_count(2)
    await expect(messages(frame, "resident").last).to_contain_text("jonossa lähtöä")
    await expect(messages(frame, "resident").last.locator(".msg__status")).to_have_text("Perillä")
    await expect(messages(frame)).to_have_count(count + 2)  # + the bot's answer to it
    after = await stored_chat(frame)
    assert after["chat_id"] == before["chat_id"]
    assert after["outbox"] == []
    seqs = await frame.locator("#log li.msg").evaluate_all("l => l.map(li => li.dataset.seq)")
    assert len(seqs) == len(set(seqs)), "a message is shown twice"


async def test_unknown_chat_offers_a_new_one(page: Page, server: ServerProcess) -> None:
    await open_host_page(page, server, lang="en")
    frame = await open_chat(page)
    await start_chat(frame)
    chat = await stored_chat(frame)
    chat["resident_token"] = "not-the-token"
    await put_stored_chat(page, await store_kind(frame), chat)

    await page.reload()
    frame = await chat_frame_after_reload(page)
    await expect(frame.locator("#expired")).to_be_visible()
    await expect(frame.locator("#expired-text")).to_contain_text("no longer exists")
    await frame.get_by_role("button", name="Start a new chat").click()
    await expect(frame.locator("#start")).to_be_focused()
    await start_chat(frame)
    assert (await stored_chat(frame))["chat_id"] != chat["chat_id"]


async def put_stored_chat(page: Page, kind: str, chat: dict[str, Any]) -> None:
    value = json.dumps(chat)
    if kind == "frame":
        raise AssertionError("this browser lets the frame keep its own storage; adapt the test")
    await page.evaluate(
        """value => {
            const values = JSON.parse(sessionStorage.getItem('neuvo.frame') || '{}');
            values['neuvo.chat.v1'] = value;
            sessionStorage.setItem('neuvo.frame', JSON.stringify(values));
        }""", value)


async def chat_frame_after_reload(page: Page):  # type: ignore[no-untyped-def]
    # The loader remembers that the panel was open and reopens it with the same chat.
    from tests.widget.widget_helpers import chat_frame

    frame = await chat_frame(page)
    await expect(frame.locator("#chat:visible, #expired:visible")).to_be_visible(timeout=10_000)
    return frame
