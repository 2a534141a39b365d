"""Keyboard only: log in, take the next chat (Alt+N), reply (Enter), insert a canned reply
("/" then arrows and Enter), switch tabs (Alt+1/2), close with tags (Alt+C) — no mouse."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.clients import unique
from tests.console.console_helpers import active_panel, new_console, no_js_errors, queued_resident
from tests.processes import PASSWORD, ServerProcess, create_staff


async def test_take_and_reply_with_the_keyboard_only(browser: Browser,
                                                     server: ServerProcess) -> None:
    username = create_staff(server, unique("s"), display_name="Aino")
    context, page = await new_console(browser, lang="en")
    await page.goto(server.base_url + "/console/")
    await expect(page.locator("#login-username")).to_be_focused()
    await page.keyboard.type(username)
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "online")

    first = await queued_resident(server)
    second = await queued_resident(server, text="Toinen asia")
    await expect(page.locator("#queue-list li")).to_have_count(2)
    await page.keyboard.press("Alt+n")
    composer = active_panel(page).locator("textarea")
    await expect(composer).to_be_focused()
    await page.keyboard.type("Hello, how can I help?")
    await page.keyboard.press("Enter")
    said = await first.expect("message.created", author="staff")
    assert said["text"] == "Hello, how can I help?"

    # "/" in the empty composer opens the canned replies in the chat's language.
    await page.keyboard.press("/")
    picker = page.locator("#canned-dialog")
    await expect(picker).to_be_visible()
    await expect(page.locator("#canned-search")).to_be_focused()
    await expect(page.locator("#canned-lang")).to_have_value("fi")
    options = page.locator("#canned-list [role=option]")
    await expect(options.first).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("ArrowDown")
    await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    chosen = await options.nth(1).locator(".option__text").inner_text()
    await page.keyboard.press("Enter")
    await expect(picker).to_be_hidden()
    await expect(composer).to_be_focused()
    await expect(composer).to_have_value(chosen)
    await page.keyboard.press("Enter")
    said = await first.expect("message.created", author="staff", text=chosen)

    # A second chat; Alt+1 and Alt+2 switch between them.
    await page.keyboard.press("Alt+n")
    await expect(page.locator("#tabs [role=tab]")).to_have_count(2)
    await expect(page.locator("#tabs [aria-selected=true]")).to_contain_text("2.")
    await page.keyboard.press("Alt+1")
    await expect(page.locator("#tabs [aria-selected=true]")).to_contain_text("1.")
    await expect(composer).to_be_focused()

    # Alt+C: close with tags, all with the keyboard.
    await page.keyboard.press("Alt+c")
    await expect(page.locator("#close-topic-filter")).to_be_focused()
    await page.keyboard.type("housing")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Housing advice")).to_be_focused()
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")  # the filter left only the housing topics visible
    await expect(page.get_by_label("Solved at first contact")).to_be_focused()
    await page.keyboard.press("Space")
    await expect(page.get_by_label("Solved at first contact")).to_be_checked()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Close the chat")).to_be_focused()
    await page.keyboard.press("Enter")
    await first.expect("chat.state", state="closed")
    await expect(page.locator("#tabs [role=tab]")).to_have_count(1)
    await expect(page.locator("#announcer")).to_contain_text("was closed and tagged")

    # Help lists the shortcuts.
    await page.keyboard.press("Alt+h")
    await expect(page.locator("#help-dialog")).to_contain_text("Take the next chat from the queue")
    await page.keyboard.press("Escape")
    await expect(page.locator("#help-dialog")).to_be_hidden()
    no_js_errors(page)
    await first.close()
    await second.close()
    await context.close()
