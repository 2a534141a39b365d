"""axe-core (WCAG 2.0/2.1 A and AA) finds nothing in any state of the widget, in fi/sv/en:
launcher, open (service status), bot, queued, active, reconnecting, closed with feedback.

Runs with the embedded bot (the product's default), so the checked states and the README
screenshots show real answers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Frame, Page, expect

from tests.clients import StaffClient
from tests.processes import ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import (
    axe_check,
    launcher,
    messages,
    open_chat,
    open_host_page,
    screenshot,
    send,
    start_chat,
    stored_chat,
)

STAFF_HELLO = {"fi": "Hei, olen Anna.", "sv": "Hej, jag är Anna.", "en": "Hi, I am Anna."}
CLOSE_TAGS = {"topics": ["other"], "outcome": "solved_first_contact"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with start_server(tmp_path, {"NEUVO_BOT": "embedded"}) as srv:
        yield srv


async def check(page: Page, frame: Frame | None, state: str, lang: str) -> None:
    await axe_check(page, f"{state} ({lang}), county page")
    if frame is not None:
        await axe_check(frame, f"{state} ({lang}), chat frame")
    if lang == "fi":
        await screenshot(page, state)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_every_state_has_no_axe_violations(page: Page, server: ServerProcess,
                                                 lang: str) -> None:
    create_staff(server, "anna", display_name="Anna")
    staff = await StaffClient.start(server, "anna")
    await open_host_page(page, server, lang=lang, color="#0a6e4f", title="Neuvo")
    await check(page, None, "launcher", lang)

    frame = await open_chat(page)
    await expect(frame.locator("#service-status")).not_to_have_text("")
    await expect(frame.locator("html")).to_have_attribute("lang", lang)
    await check(page, frame, "open", lang)

    await start_chat(frame)
    await send(frame, "Toimeentulotuki?")
    await expect(messages(frame, "bot")).to_have_count(2)
    await check(page, frame, "bot", lang)

    await frame.locator("#human").click()
    await expect(frame.locator("#queue")).to_be_visible()
    await check(page, frame, "queued", lang)

    chat_id = (await stored_chat(frame))["chat_id"]
    await staff.accept(chat_id)
    await staff.say(chat_id, STAFF_HELLO[lang])
    await expect(messages(frame, "staff")).to_have_count(1)
    await staff.send({"type": "typing", "chat_id": chat_id, "active": True})
    await expect(frame.locator("#typing")).to_be_visible()
    await check(page, frame, "active", lang)

    await asyncio.to_thread(server.stop)
    await expect(frame.locator("#conn")).to_have_attribute("data-state", "reconnecting")
    await send(frame, "Oletko siellä?")
    await expect(messages(frame, "resident").last.locator(".msg__status")).not_to_have_text("")
    await check(page, frame, "reconnecting", lang)
    await asyncio.to_thread(server.start)
    await expect(frame.locator("#conn")).to_have_attribute("data-state", "online", timeout=20_000)

    staff = await StaffClient.start(server, "anna")
    await staff.send({"type": "chat.close", "chat_id": chat_id, "tags": CLOSE_TAGS})
    await expect(frame.locator("#feedback")).to_be_visible()
    await check(page, frame, "closed", lang)

    await frame.locator("#scores input").nth(4).check()
    await frame.locator("#feedback button[type=submit]").click()
    await expect(frame.locator("#thanks")).to_be_visible()
    await check(page, frame, "feedback-sent", lang)
    await staff.close()

    # The panel closed again, with the launcher focused.
    await page.keyboard.press("Escape")
    await expect(launcher(page)).to_be_focused()
    await axe_check(page, f"closed panel ({lang})")
