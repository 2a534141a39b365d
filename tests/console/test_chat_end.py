"""The resident ends the chat while a staff member has it open (issue 9, items 4 and 5):
no false "no permission" error, no server English on screen, and the newest message (the
"chat ended" notice) stays in view when the banner appears above the log."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.clients import unique
from tests.console.console_helpers import (
    RECORD_SOCKET,
    active_panel,
    frames,
    login,
    new_console,
    no_js_errors,
    queue_item,
    queued_resident,
    round_trip,
)
from tests.processes import ServerProcess, create_staff

LAST_IN_VIEW = """() => {
  const panel = document.querySelector("#panels section.chat:not([hidden])");
  const scroller = panel.querySelector(".chat__scroll");
  const items = scroller.querySelectorAll("li.msg");
  const last = items[items.length - 1].getBoundingClientRect();
  return last.bottom <= scroller.getBoundingClientRect().bottom + 1;
}"""


async def test_resident_ends_the_chat_without_errors_and_the_end_stays_in_view(
        browser: Browser, server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await context.add_init_script(RECORD_SOCKET)
    await login(page, server, username)
    resident = await queued_resident(server)
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    panel = active_panel(page)
    for i in range(8):  # enough to fill the log, so it scrolls
        await resident.say(f"Viesti numero {i}: vuokra on myöhässä ja tarvitsen neuvoja.")
    await expect(panel.locator(".log .msg--resident")).to_have_count(8)
    await page.wait_for_function(LAST_IN_VIEW)

    await resident.send({"type": "chat.close"})
    await expect(panel.locator(".chat__ended")).to_be_visible()
    await expect(panel.locator(".log .msg--system").last).to_be_attached()
    await page.wait_for_function(LAST_IN_VIEW, timeout=5_000)  # item 5

    # Item 4: everything the server answers to this socket's earlier frames has arrived.
    await round_trip(page)
    errors = await frames(page, "received", "error")
    assert errors == [], errors
    ended = [f for f in await frames(page, "received", "message.created")
             if f["author"] == "system"][-1]["seq"]
    late = [f for f in await frames(page, "sent", "read") + await frames(page, "sent", "typing")
            if f["chat_id"] == resident.chat_id and f.get("seq", ended) >= ended]
    assert late == [], late
    await expect(panel.locator(".chat__alert")).to_have_text("")
    await expect(page.locator("#global-alert")).to_be_hidden()
    no_js_errors(page)
    await resident.close()
    await context.close()


async def test_server_english_never_reaches_the_screen(browser: Browser,
                                                        server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser, lang="sv")
    await context.add_init_script(RECORD_SOCKET)
    await login(page, server, username)
    resident = await queued_resident(server)
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    panel = active_panel(page)
    await expect(panel.locator(".history")).to_contain_text("Tarvitsen apua")
    # A refused frame about the open chat: only the Swedish text is shown.
    await page.evaluate("""id => window.__inject({type: "error", code: "forbidden",
        message: "this chat is not assigned to you", chat_id: id})""", resident.chat_id)
    await expect(panel.locator(".chat__alert")).to_have_text("Du har inte rätt till detta.")
    await page.evaluate("""() => window.__inject({type: "error", code: "invalid_frame",
        message: "frame needs a string field 'type'"})""")
    await expect(page.locator("#global-alert")).to_have_text("Uppgifterna duger inte.")
    # HTTP errors too: a canned-reply search that the server refuses.
    shown = await page.evaluate("""async () => {
        const { ApiError, errorText } = await import("/console/api.js");
        return errorText(new ApiError(409, "conflict", "username 'x' is taken"));
    }""")
    assert shown == "Lyckades inte, eftersom läget ändrades."
    no_js_errors(page)
    await resident.close()
    await context.close()


async def test_chat_numbers_stay_the_same_after_a_reload(browser: Browser,
                                                          server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await login(page, server, username)
    first = await queued_resident(server)
    await queue_item(page, first.chat_id).get_by_role("button").click()
    second = await queued_resident(server, text="Kysyisin toimeentulotuesta")
    await queue_item(page, second.chat_id).get_by_role("button").click()
    tabs = page.locator("#tabs [role=tab]")
    await expect(tabs).to_have_count(2)
    await expect(tabs.nth(1)).to_contain_text("2.")
    await first.send({"type": "chat.close"})  # chat 1 ends: it is not re-sent after a reload
    await expect(tabs.nth(0).locator(".tab__ended")).to_be_attached()

    await page.reload()
    await expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=10_000)
    await expect(tabs).to_have_count(1)
    await expect(tabs.first).to_contain_text("2.")  # still chat 2, not renumbered to 1
    await expect(active_panel(page).locator(".chat__title")).to_contain_text("2")
    no_js_errors(page)
    await first.close()
    await second.close()
    await context.close()


async def test_resident_presence_is_shown_on_the_chat(browser: Browser,
                                                      server: ServerProcess) -> None:
    """chat.presence (issue 9, item 1) through a test double: the frame is handed to the
    console's socket as if the server sent it."""
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await context.add_init_script(RECORD_SOCKET)
    await login(page, server, username)
    resident = await queued_resident(server)
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    panel = active_panel(page)
    tab = page.locator("#tabs [role=tab]").first
    await expect(panel.locator(".history")).to_contain_text("Tarvitsen apua")
    await expect(panel.locator(".chat__presence")).to_be_hidden()
    since = "2026-11-30T10:03:00Z"
    time = await page.evaluate(
        "s => new Date(s).toLocaleTimeString('fi', {hour: '2-digit', minute: '2-digit'})", since)
    await page.evaluate("""([id, since]) => window.__inject({type: "chat.presence", chat_id: id,
        resident_online: false, since})""", [resident.chat_id, since])
    await expect(panel.locator(".chat__presence")).to_have_text(
        f"Asukas on poistunut chatista (klo {time}).")
    await expect(tab.locator(".tab__away")).to_be_visible()
    await expect(tab).to_have_attribute("aria-label", "1. Aihe ei tiedossa (FI), asukas poistunut")
    await expect(page.locator("#announcer")).to_have_text("Asukas on poistunut keskustelusta 1.")
    set_lang = "l => import('/console/i18n.js').then(m => m.setLang(l))"
    await page.evaluate(set_lang, "sv")
    await expect(panel.locator(".chat__presence")).to_contain_text("Invånaren har lämnat chatten")
    await page.evaluate(set_lang, "fi")

    await page.evaluate("""id => window.__inject({type: "chat.presence", chat_id: id,
        resident_online: true, since: new Date().toISOString()})""", resident.chat_id)
    await expect(panel.locator(".chat__presence")).to_be_hidden()
    await expect(tab.locator(".tab__away")).to_have_count(0)
    await expect(page.locator("#announcer")).to_have_text("Asukas palasi keskusteluun 1.")
    no_js_errors(page)
    await resident.close()
    await context.close()
