"""A full resident conversation in a real browser: bot answer, handoff, a staff member
driven through the protocol, read marks, close, feedback and the saved transcript."""

from __future__ import annotations

import sqlite3

from playwright.async_api import Page, expect

from tests.clients import StaffClient
from tests.processes import ServerProcess, create_staff
from tests.widget.widget_helpers import (
    launcher,
    messages,
    open_chat,
    open_host_page,
    send,
    start_chat,
    stored_chat,
)


async def test_full_conversation(page: Page, server: ServerProcess) -> None:
    create_staff(server, "anna", display_name="Anna")
    staff = await StaffClient.start(server, "anna")
    await open_host_page(page, server, lang="en")
    frame = await open_chat(page)

    # Before the chat: service status and the privacy notice.
    await expect(frame.locator("#service-status")).to_contain_text("People on duty now: 1")
    await expect(frame.locator("#service-hours")).to_contain_text("every day")
    await expect(frame.locator("#privacy")).to_contain_text("personal identity code")

    await start_chat(frame)
    greeting = messages(frame, "bot").first
    await expect(greeting).to_contain_text("Neuvo bot")
    await expect(greeting.locator(".msg__buttons button")).to_have_count(1)

    # A question the minimal bot cannot answer: shown once, delivered, answered by the bot.
    await send(frame, "How do I apply for social assistance?")
    mine = messages(frame, "resident")
    await expect(mine).to_have_count(1)
    await expect(mine.first.locator(".msg__status")).to_have_text("Delivered")
    await expect(messages(frame, "bot")).to_have_count(2)

    # Handoff with the always-visible button: queue position shown.
    await frame.locator("#human").click()  # the always-visible action, not the quick reply
    await expect(frame.locator("#queue")).to_contain_text("Your place: 1")
    chat_id = (await stored_chat(frame))["chat_id"]

    # The staff member accepts, sees the bot conversation, types and answers.
    await staff.expect("queue.updated", timeout=5)
    assigned = await staff.accept(chat_id)
    assert any(m["text"] == "How do I apply for social assistance?" for m in assigned["transcript"])
    await expect(frame.locator("#queue")).to_be_hidden()
    await staff.send({"type": "typing", "chat_id": chat_id, "active": True})
    await expect(frame.locator("#typing")).to_contain_text("is typing")
    await staff.say(chat_id, "Hello, I am Anna. See https://example.org/apply for the form.")
    staff_msg = messages(frame, "staff").first
    await expect(staff_msg).to_contain_text("Anna, staff member")
    await expect(frame.locator("#typing")).to_be_hidden()
    link = staff_msg.locator("a")
    await expect(link).to_have_attribute("href", "https://example.org/apply")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    await expect(link).to_have_attribute("target", "_blank")

    # The resident answers; staff reads it: the mark turns to "Read".
    await send(frame, "Thank you!")
    created = await staff.expect("message.created", chat_id=chat_id, author="resident")
    await staff.send({"type": "read", "chat_id": chat_id, "seq": created["seq"]})
    await expect(messages(frame, "resident").last.locator(".msg__status")).to_have_text("Read")

    # The resident saves the transcript.
    async with page.expect_download() as download_info:
        await frame.get_by_role("button", name="Save conversation").click()
    download = await download_info.value
    assert download.suggested_filename.startswith("neuvo-chat-")
    text = (await download.path()).read_text(encoding="utf-8")
    assert "How do I apply for social assistance?" in text
    assert "Anna, staff member:" in text

    # The resident ends the chat, then gives feedback.
    await frame.get_by_role("button", name="End chat").click()
    await frame.get_by_role("button", name="Yes, end chat").click()
    await expect(frame.locator("#closed")).to_be_visible()
    await expect(frame.locator("#composer")).to_be_hidden()
    await frame.get_by_label("4").check()
    await frame.get_by_label("Comment (optional)").fill("Quick and kind.")
    await frame.get_by_role("button", name="Send feedback").click()
    await expect(frame.locator("#thanks")).to_be_focused()
    db = server.env["NEUVO_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT score, comment FROM feedback WHERE chat_id = ?",
                            (chat_id,)).fetchall()
    assert rows == [(4, "Quick and kind.")]
    await staff.close()

    # Escape closes the panel and gives focus back to the launcher.
    await page.keyboard.press("Escape")
    await expect(page.locator(".neuvo-widget .neuvo__panel")).to_be_hidden()
    await expect(launcher(page)).to_be_focused()
    assert page.js_errors == []  # type: ignore[attr-defined]
