"""axe-core (WCAG 2.0/2.1 A and AA) finds nothing on the console pages in fi/sv/en: login,
the console with chats (queue, priority, tabs, notes, consultation panel), the canned
replies, transfer and close dialogs, the supervisor page's sections and the audit page.
Screenshots (fi) at 1280×720 and at tablet sizes go to server/console/screenshots/ with
NEUVO_UPDATE_SCREENSHOTS=1. The embedded bot detects real topics and safety cues here."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.clients import Resident, StaffClient, unique
from tests.console.console_helpers import (
    DESKTOP,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    active_panel,
    login,
    new_console,
    no_js_errors,
    queue_item,
    screenshot,
)
from tests.processes import ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import axe_check

TEXTS = {
    "fi": ("Vuokra on rästissä kaksi kuukautta, mistä saan apua?", "Hei, autan mielelläni."),
    "sv": ("Jag har inte betalat hyran på två månader, var får jag hjälp?", "Hej, jag hjälper gärna."),
    "en": ("I am two months behind with my rent, where can I get help?", "Hi, happy to help."),
}
CRISIS = {"fi": "En jaksa enää, haluan tappaa itseni", "sv": "Jag vill ta livet av mig",
          "en": "I want to kill myself"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("console-a11y"), {"NEUVO_BOT": "embedded"}) as srv:
        asyncio.run(_warm_up(srv))
        yield srv


async def _warm_up(server: ServerProcess) -> None:
    """The embedded engine loads (or trains, without a cache) on its first turn."""
    resident = await Resident.start(server)
    await resident.send({"type": "message.send", "client_msg_id": "warmup-1", "text": "Hei"})
    await resident.expect("message.created", author="bot", timeout=110)
    await resident.close()


async def resident_in_queue(server: ServerProcess, lang: str, text: str,
                            municipality: str | None = None) -> Resident:
    body = {"municipality": municipality} if municipality else {}
    resident = await Resident.start(server, lang=lang, **body)
    ack = await resident.say(text)
    while (await resident.expect("message.created", author="bot", timeout=10))["seq"] < ack["seq"]:
        pass  # the greeting came first; wait for the answer to `text`
    if text in CRISIS.values():  # safety cues: emergency guidance and a priority handoff
        state = await resident.expect("chat.state", state="queued", timeout=10)
        assert state["priority"] is True
    else:
        await resident.send({"type": "handoff.request"})
        await resident.expect("chat.state", state="queued")
    return resident


async def check(page: Page, label: str, shot: str | None, lang: str) -> None:
    await axe_check(page, f"{label} ({lang})")
    if shot and lang == "fi":
        await screenshot(page, shot)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_console_pages_have_no_axe_violations(browser: Browser, server: ServerProcess,
                                                    lang: str) -> None:
    admin = create_staff(server, unique("a"), role="admin", display_name="Aino")
    colleague = create_staff(server, unique("s"), display_name="Britta", languages="sv,fi")
    buddy = await StaffClient.start(server, colleague)  # on duty: shows in transfer
    context, page = await new_console(browser, DESKTOP, lang)
    await page.goto(server.base_url + "/console/")
    await expect(page.locator("#login-username")).to_be_visible()
    await check(page, "login", "login", lang)
    await page.locator("#login-submit").click()
    await expect(page.locator("#login-error")).not_to_be_empty()
    await check(page, "login error", None, lang)

    await login(page, server, admin)
    first = await resident_in_queue(server, lang, TEXTS[lang][0], "Seinäjoki")
    crisis = await resident_in_queue(server, lang, CRISIS[lang])
    waiting = await resident_in_queue(server, lang, TEXTS[lang][0], "Kauhava")
    await expect(queue_item(page, crisis.chat_id)).to_have_class("qitem qitem--priority qitem--new")
    await expect(page.locator("#queue-list li").first).to_have_attribute("data-key", crisis.chat_id)
    await check(page, "console with queue", None, lang)

    await queue_item(page, first.chat_id).get_by_role("button").click()
    await expect(page.locator("#tabs [role=tab]")).to_have_count(1)
    await queue_item(page, crisis.chat_id).get_by_role("button").click()
    await expect(page.locator("#tabs [aria-selected=true]")).to_contain_text("2.")
    panel = active_panel(page)
    await expect(panel.locator(".history")).to_be_visible()
    await panel.locator("textarea").fill(TEXTS[lang][1])
    await panel.locator("textarea").press("Enter")
    await crisis.expect("message.created", author="staff")
    await crisis.say("Kiitos." if lang == "fi" else "Tack." if lang == "sv" else "Thanks.")
    await page.locator("#tabs [role=tab]").first.click()
    await crisis.say("Oletko siellä?")
    await expect(page.locator("#tabs .badge")).to_have_text("1")
    await page.locator("#tabs [role=tab]").last.click()
    await check(page, "console with chats", "console-chat", lang)

    await page.locator("#open-consult").click()
    await check(page, "consultation panel", "console-consult-panel", lang)
    await page.locator("#close-consult").click()

    await page.keyboard.press("Control+k")
    await expect(page.locator("#canned-dialog")).to_be_visible()
    await expect(page.locator("#canned-list [role=option]").first).to_be_visible()
    await check(page, "canned replies", "console-canned", lang)
    await page.keyboard.press("Escape")

    await panel.get_by_role("button", name={"fi": "Siirrä", "sv": "Överför", "en": "Transfer"}[lang]).click()
    await expect(page.locator("#transfer-dialog input[value]").nth(1)).to_be_attached()
    await check(page, "transfer dialog", "console-transfer", lang)
    await page.keyboard.press("Escape")

    await page.keyboard.press("Alt+c")
    await expect(page.locator("#close-dialog")).to_be_visible()
    await page.locator("#close-dialog button[type=submit]").click()
    await expect(page.locator("#close-error")).not_to_be_empty()
    await check(page, "close dialog", "console-close-dialog", lang)
    await page.keyboard.press("Escape")

    await page.keyboard.press("Alt+h")
    await check(page, "help dialog", "console-help", lang)
    await page.keyboard.press("Escape")

    if lang == "fi":
        for name, size in (("tablet-landscape", TABLET_LANDSCAPE), ("tablet-portrait", TABLET_PORTRAIT)):
            await page.set_viewport_size(size)
            await expect(panel.locator("textarea")).to_be_in_viewport()
            await axe_check(page, f"console at {name}")
            await screenshot(page, f"console-{name}")
        await page.set_viewport_size(DESKTOP)

    rater = await Resident.start(server, lang)  # feedback for the feedback section
    await rater.send({"type": "chat.close"})
    await rater.expect("chat.state", state="closed")
    await rater.send({"type": "feedback.submit", "score": 4, "comment": "Sain apua nopeasti."})
    await rater.expect("feedback.ack")
    await rater.close()
    for section in ("overview", "feedback", "staff", "canned", "service"):
        await page.goto(f"{server.base_url}/console/supervisor#{section}")
        await expect(page.locator(f"#{section}")).to_be_visible()
        if section == "overview":
            await expect(page.locator(f"#ov-chats tr[data-key='{crisis.chat_id}']")).to_be_visible()
        else:
            await expect(page.locator(f"#{section} tbody tr, #{section} .hours-day").first).to_be_visible()
        await check(page, f"supervisor {section}", f"supervisor-{section}", lang)
    await page.goto(f"{server.base_url}/console/supervisor#overview")
    await page.locator(f"#ov-queue tr[data-key='{waiting.chat_id}'] button").click()
    await expect(page.locator("#reassign-dialog")).to_be_visible()
    await check(page, "reassign dialog", None, lang)
    await page.keyboard.press("Escape")
    if lang == "fi":
        await page.set_viewport_size(TABLET_PORTRAIT)
        await screenshot(page, "supervisor-overview-tablet-portrait")
        await page.set_viewport_size(DESKTOP)

    await page.goto(server.base_url + "/console/audit")
    await expect(page.locator("#audit-rows tr").first).to_be_visible()
    await check(page, "audit", "audit", lang)
    no_js_errors(page)
    for client in (first, crisis, waiting, buddy):
        await client.close()
    await context.close()
