"""Two server processes sharing PostgreSQL and Redis, a console on each: take a chat a
resident started, reply, consult colleagues (anonymised), transfer to the colleague on the
other process with a note, the colleague closes it with tags; and concurrent accepts from
two consoles give the chat to exactly one of them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.backends import server_pair
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
from tests.waiting import eventually


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with server_pair(tmp_path_factory.mktemp("console-pair")) as servers:
        yield servers


async def test_take_reply_consult_transfer_across_processes_and_close(
        browser: Browser, pair: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = pair
    aino = create_staff(a, unique("s"), display_name="Aino", languages="fi")
    britta = create_staff(a, unique("s"), display_name="Britta", languages="sv,fi")
    ctx_a, page_a = await new_console(browser)
    await login(page_a, a, aino)
    ctx_b, page_b = await new_console(browser, lang="sv")
    await login(page_b, b, britta)

    resident = await queued_resident(b, text="Jag behöver hjälp med hyran", lang="sv",
                                     municipality="Närpes")
    await expect(queue_item(page_b, resident.chat_id)).to_be_visible()
    item = queue_item(page_a, resident.chat_id)
    await expect(item).to_contain_text("ruotsi")
    await item.get_by_role("button").click()
    panel = active_panel(page_a)
    await expect(panel.locator(".history")).to_contain_text("Jag behöver hjälp med hyran")
    await expect(queue_item(page_b, resident.chat_id)).to_have_count(0)
    await panel.locator("textarea").fill("Hei! Siirrän sinut ruotsinkieliselle työntekijälle.")
    await panel.locator("textarea").press("Enter")
    said = await resident.expect("message.created", author="staff")
    assert said["author_name"] == "Aino" and "ruotsinkieliselle" in said["text"]
    await resident.say("Jag heter Anna Svensson, min telefon är 040 123 4567.")
    await expect(panel.locator(".log .msg--resident").last).to_contain_text("040 123 4567")

    # Consultation: without a selection the excerpt is the resident's latest messages...
    await panel.get_by_role("button", name="Kysy kollegoilta").click()
    consult = page_a.locator("#consult-dialog")
    await expect(consult.locator("#consult-text")).to_have_value(
        "Jag behöver hjälp med hyran\nJag heter Anna Svensson, min telefon är 040 123 4567.")
    await consult.get_by_role("button", name="Sulje").click()
    # ... and with text selected in the conversation, that text.
    await panel.locator(".log .msg--resident .msg__text").last.evaluate("""el => {
        const range = document.createRange(); range.selectNodeContents(el);
        getSelection().removeAllRanges(); getSelection().addRange(range); }""")
    await panel.get_by_role("button", name="Kysy kollegoilta").click()
    await expect(consult.locator("#consult-text")).to_have_value(
        "Jag heter Anna Svensson, min telefon är 040 123 4567.")
    await consult.get_by_role("button", name="Lähetä kollegoille").click()
    stored = consult.locator("#consult-result-text")
    await expect(stored).to_be_visible()
    assert "040 123 4567" not in await stored.inner_text()
    await consult.get_by_role("button", name="Sulje").click()
    await expect(page_b.locator("#consult-badge")).to_have_text("1")
    await page_b.locator("#open-consult").click()
    thread = page_b.locator("#threads li.thread").first
    await expect(thread).to_contain_text("Aino")
    assert "040 123 4567" not in await thread.inner_text()
    await thread.get_by_label("Svara").fill("Hänvisa till boenderådgivningen.")
    await thread.get_by_role("button", name="Skicka svar").click()
    await expect(page_a.locator("#consult-badge")).to_have_text("1")
    await page_a.locator("#open-consult").click()
    await expect(page_a.locator("#threads li.thread").first).to_contain_text(
        "Hänvisa till boenderådgivningen.")
    await page_a.locator("#close-consult").click()

    # Transfer to Britta (on the other process) with an internal note.
    await panel.get_by_role("button", name="Siirrä").click()
    transfer = page_a.locator("#transfer-dialog")
    option = transfer.get_by_label("Britta")
    await expect(option).to_be_enabled()
    await expect(transfer).to_contain_text("ruotsi, suomi")
    await option.check()
    await transfer.get_by_label("Sisäinen muistiinpano (asukas ei näe)").fill(
        "Ruotsinkielinen, vuokra-asia.")
    await transfer.get_by_role("button", name="Siirrä").click()
    await expect(transfer).to_be_hidden()
    await expect(page_a.locator("#panels section.chat")).to_have_count(0)
    panel_b = active_panel(page_b)
    await expect(panel_b.locator(".notes")).to_contain_text("Ruotsinkielinen, vuokra-asia.")
    await expect(panel_b.locator(".log")).to_contain_text("040 123 4567")
    await panel_b.locator("textarea").fill("Hej Anna, jag hjälper dig.")
    await panel_b.locator("textarea").press("Enter")
    said = await resident.expect("message.created", author="staff", text="Hej Anna, jag hjälper dig.")
    assert said["author_name"] == "Britta"

    # Britta closes it with tags.
    await panel_b.get_by_role("button", name="Avsluta").click()
    close = page_b.locator("#close-dialog")
    await close.get_by_label("Filtrera ämnen").fill("boende")
    await close.get_by_label("Boenderådgivning").check()
    await close.get_by_label("Hänvisades till en annan tjänst").check()
    await close.get_by_label("Till vilken tjänst hänvisades invånaren?").fill("boenderådgivning")
    await close.get_by_role("button", name="Avsluta chatten").click()
    await expect(close).to_be_hidden()
    await resident.expect("chat.state", state="closed")
    await expect(page_b.locator("#panels section.chat")).to_have_count(0)
    no_js_errors(page_a)
    no_js_errors(page_b)
    await resident.close()
    await ctx_a.close()
    await ctx_b.close()


async def open_panels(*pages: Page) -> list[int]:
    return [await page.locator("#panels section.chat").count() for page in pages]


async def any_panel_open(*pages: Page) -> bool:
    return sum(await open_panels(*pages)) >= 1


async def test_concurrent_accept_from_two_consoles(
        browser: Browser, pair: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = pair
    one, two = create_staff(a, unique("s")), create_staff(a, unique("s"))
    ctx_1, page_1 = await new_console(browser)
    await login(page_1, a, one)
    ctx_2, page_2 = await new_console(browser)
    await login(page_2, b, two)
    for _ in range(3):
        resident = await queued_resident(a)
        buttons = [queue_item(p, resident.chat_id).get_by_role("button") for p in (page_1, page_2)]
        for button in buttons:
            await expect(button).to_be_visible()
        await asyncio.gather(*(button.dispatch_event("click") for button in buttons))
        await resident.expect("chat.state", state="active")
        for p in (page_1, page_2):
            await expect(queue_item(p, resident.chat_id)).to_have_count(0)
        # The winner's chat.assigned may arrive after the queue item left both pages.
        await eventually(lambda: any_panel_open(page_1, page_2), timeout=10)
        panels = await open_panels(page_1, page_2)
        assert sorted(panels) == [0, 1], panels
        loser, winner = (page_1, page_2) if panels[0] == 0 else (page_2, page_1)
        await expect(loser.locator("#queue-alert")).to_contain_text("Joku toinen ehti ottaa")
        # The resident ends the chat: the winner's tab says so and can be closed.
        await resident.send({"type": "chat.close"})
        ended = active_panel(winner).locator(".chat__ended")
        await expect(ended).to_contain_text("Asukas lopetti keskustelun")
        await expect(active_panel(winner).locator("textarea")).to_be_disabled()
        await ended.get_by_role("button", name="Sulje välilehti").click()
        await expect(winner.locator("#panels section.chat")).to_have_count(0)
        await expect(winner.locator("#take-next")).to_be_focused()
        await resident.close()
    await ctx_1.close()
    await ctx_2.close()
