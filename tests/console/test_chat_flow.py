"""One console on one server: log in, take a chat a resident started over the protocol,
see the bot conversation, reply (the resident gets it), read marks, typing, close with tags."""

from __future__ import annotations

import asyncio
import sqlite3

from playwright.async_api import Browser, expect

from tests.clients import unique
from tests.console.console_helpers import (
    active_panel,
    login,
    new_console,
    no_js_errors,
    queue_item,
    queued_resident,
)
from tests.processes import ServerProcess, create_staff


async def test_take_reply_and_close_with_tags(browser: Browser, server: ServerProcess) -> None:
    username = create_staff(server, unique("s"), display_name="Aino")
    context, page = await new_console(browser)
    await login(page, server, username)
    resident = await queued_resident(server, municipality="Seinäjoki")
    item = queue_item(page, resident.chat_id)
    await expect(item).to_be_visible()
    await expect(item).to_contain_text("Seinäjoki")
    await expect(page.locator("#announcer")).to_contain_text("Jonoon tuli uusi keskustelu")

    await item.get_by_role("button").click()
    panel = active_panel(page)
    await expect(panel.locator(".history")).to_contain_text("Tarvitsen apua vuokran kanssa")
    await expect(item).to_have_count(0)
    composer = panel.locator("textarea.composer__input")
    await expect(composer).to_be_focused()
    await composer.fill("Hei, olen Aino. Kerro lisää.")
    await composer.press("Enter")
    frame = await resident.expect("message.created", author="staff")
    assert frame["text"] == "Hei, olen Aino. Kerro lisää."
    assert frame["author_name"] == "Aino"
    await expect(panel.locator(".log .msg--staff").last).to_contain_text("Lähetetty")

    # The resident reads and types; the console shows both.
    await resident.send({"type": "read", "seq": frame["seq"]})
    await expect(panel.locator(".log .msg--staff").last).to_contain_text("Luettu")
    await resident.send({"type": "typing", "active": True})
    await expect(panel.locator(".chat__typing")).to_have_text("Asukas kirjoittaa…")
    ack = await resident.say("Vuokra on myöhässä kaksi kuukautta.")
    await expect(panel.locator(".log .msg--resident").last).to_contain_text("kaksi kuukautta")
    await expect(panel.locator(".chat__typing")).to_have_text("")
    await resident.expect("read", by="staff", seq=ack["seq"])  # the console marked it read

    await panel.get_by_role("button", name="Lopeta").click()
    dialog = page.locator("#close-dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Lopeta keskustelu").click()
    await expect(page.locator("#close-error")).to_have_text("Valitse vähintään yksi aihe.")
    await dialog.get_by_label("Asumisneuvonta").check()
    await dialog.get_by_label("Ohjattiin toiseen palveluun").check()
    await dialog.get_by_role("button", name="Lopeta keskustelu").click()
    await expect(page.locator("#close-error")).to_have_text("Kirjoita palvelu, johon asukas ohjattiin.")
    await dialog.get_by_label("Mihin palveluun ohjattiin?").fill("asumisneuvonta")
    await dialog.get_by_role("button", name="Lopeta keskustelu").click()
    await expect(dialog).to_be_hidden()
    await resident.expect("chat.state", state="closed")
    await expect(page.locator("#panels section.chat")).to_have_count(0)
    await expect(page.locator("#no-chats")).to_be_visible()
    no_js_errors(page)
    await resident.close()
    await context.close()


async def test_reconnect_keeps_chats_and_sends_pending_messages_once(
        browser: Browser, server: ServerProcess) -> None:
    username = create_staff(server, unique("s"), display_name="Aino")
    context, page = await new_console(browser)
    await login(page, server, username)
    resident = await queued_resident(server)
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    panel = active_panel(page)
    composer = panel.locator("textarea.composer__input")
    await composer.fill("Ensimmäinen viesti")
    await composer.press("Enter")
    await resident.expect("message.created", author="staff", text="Ensimmäinen viesti")
    before = await panel.locator(".log li, .log-history li").count()

    await asyncio.to_thread(server.stop)
    await expect(page.locator("#conn")).to_have_attribute("data-state", "reconnecting")
    await composer.fill("Kirjoitettu katkon aikana")
    await composer.press("Enter")
    pending = panel.locator(".log .msg--pending")
    await expect(pending).to_contain_text("Lähetetään…")
    await asyncio.to_thread(server.start)
    await expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=20_000)
    await resident.connect(server)
    said = await resident.expect("message.created", author="staff", text="Kirjoitettu katkon aikana",
                                 timeout=10)
    assert said["author_name"] == "Aino"
    await expect(pending).to_have_count(0)
    # The chat was re-sent on connect: nothing shown twice, the new message once.
    await expect(panel.locator(".log li, .log-history li")).to_have_count(before + 1)
    await expect(page.locator("#tabs [role=tab]")).to_have_count(1)
    no_js_errors(page)
    await resident.close()
    await context.close()


async def test_chat_the_resident_ended_is_tagged_and_closed(browser: Browser,
                                                            server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await login(page, server, username)
    resident = await queued_resident(server)
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    panel = active_panel(page)
    await expect(panel.locator(".history")).to_contain_text("Tarvitsen apua vuokran kanssa")
    await resident.send({"type": "chat.close"})
    await expect(panel.locator(".chat__ended")).to_contain_text("Asukas lopetti keskustelun")
    await panel.get_by_role("button", name="Merkitse ja sulje").click()
    dialog = page.locator("#close-dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Asumisneuvonta").check()
    await dialog.get_by_label("Asukas ei vastannut").check()
    await dialog.get_by_role("button", name="Lopeta keskustelu").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#panels section.chat")).to_have_count(0)
    db = server.env["NEUVO_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT closed_by, outcome, tag_topics FROM chats WHERE id = ?",
                           (resident.chat_id,)).fetchone()
    assert row == ("resident", "no_answer_from_resident", '["housing_advice"]')
    no_js_errors(page)
    await resident.close()
    await context.close()
