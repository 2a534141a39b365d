"""Silent notifications (unread badge, optional title, polite live region, read marks back
to staff), language switching inside the widget, and the message length limit."""

from __future__ import annotations

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


async def test_unread_badge_title_and_live_region(page: Page, server: ServerProcess) -> None:
    create_staff(server, "anna", display_name="Anna")
    staff = await StaffClient.start(server, "anna")
    await open_host_page(page, server, lang="en", **{"notify-title": "true"})
    title = await page.title()
    frame = await open_chat(page)
    await start_chat(frame)
    await frame.locator("#human").click()
    chat_id = (await stored_chat(frame))["chat_id"]
    await staff.accept(chat_id)

    # The panel is closed when the answer comes: badge, accessible name and title say so.
    await page.keyboard.press("Escape")
    await expect(launcher(page)).to_be_focused()
    created = await staff.say(chat_id, "Are you still there?")
    await expect(launcher(page)).to_have_accessible_name("Chat (1 new message)")
    await expect(page.locator(".neuvo-widget .neuvo__badge")).to_have_text("1")
    await expect(page).to_have_title(f"(1) {title}")
    # Only the new message is announced, not the whole log.
    live = frame.locator("#live")
    await expect(live).to_contain_text("Anna, staff member: Are you still there?")
    assert "Neuvo bot" not in (await live.text_content() or "")

    # Opening the chat clears the badge and tells staff the message was read.
    await launcher(page).click()
    await expect(page.locator(".neuvo-widget .neuvo__badge")).to_be_hidden()
    await expect(page).to_have_title(title)
    read = await staff.expect("read", chat_id=chat_id, seq=created["seq"], timeout=5)
    assert read["by"] == "resident"
    await staff.close()


async def test_language_switch_in_the_widget(page: Page, server: ServerProcess) -> None:
    await open_host_page(page, server, lang="fi")
    frame = await open_chat(page)
    await expect(frame.locator("#start")).to_have_text("Aloita keskustelu")
    await start_chat(frame)
    await send(frame, "Hei")
    await expect(messages(frame, "resident").first.locator(".msg__who")).to_have_text("Sinä")

    await frame.get_by_label("Kieli").select_option("sv")
    await expect(frame.locator("html")).to_have_attribute("lang", "sv")
    await expect(frame.locator("#human")).to_have_text("Prata med en människa")
    await expect(messages(frame, "resident").first.locator(".msg__who")).to_have_text("Du")
    await expect(launcher(page)).to_have_accessible_name("Chatt")

    await frame.get_by_label("Språk").select_option("en")
    await expect(frame.locator("#end")).to_have_text("End chat")
    await expect(frame.locator("#minimize")).to_have_accessible_name("Close the chat window")


async def test_message_length_limit_is_shown_before_sending(page: Page,
                                                            server: ServerProcess) -> None:
    await open_host_page(page, server, lang="en")
    frame = await open_chat(page)
    await start_chat(frame)
    counter = frame.locator("#counter")
    await frame.locator("#text").fill("a" * 100)
    await expect(counter).to_be_hidden()
    await frame.locator("#text").fill("a" * 3900)
    await expect(counter).to_have_text("Characters left: 100")
    await frame.locator("#text").fill("a" * 4001)
    await expect(counter).to_have_text("The message is too long. At most 4000 characters.")
    await expect(frame.locator("#text")).to_have_attribute("aria-invalid", "true")
    await frame.locator("#send").click()
    await expect(messages(frame, "resident")).to_have_count(0)
    await frame.locator("#text").fill("a" * 4000)
    await frame.locator("#send").click()
    await expect(messages(frame, "resident").first.locator(".msg__status")).to_have_text("Delivered")
