"""Wording the resident sees (issue 9, item 11): the notice after the resident ends the chat
is neutral and true for them ("The chat has ended", not "the client ended the chat"), and the
Swedish sender label is "Neuvo-boten" (as the bot calls itself)."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.processes import ServerProcess
from tests.widget.widget_helpers import messages, open_chat, open_host_page, send, start_chat

ENDED = {"fi": "Keskustelu päättyi.", "sv": "Chatten har avslutats.", "en": "The chat has ended."}


async def test_the_resident_reads_a_neutral_end_notice_and_the_bot_label(
        page: Page, server: ServerProcess) -> None:
    await open_host_page(page, server, lang="sv")
    frame = await open_chat(page)
    await start_chat(frame)
    await expect(messages(frame, "bot").first.locator(".msg__who")).to_have_text("Neuvo-boten")
    await frame.locator("#end").click()
    await frame.locator("#end-yes").click()
    notice = messages(frame, "system").last
    await expect(notice).to_contain_text(ENDED["sv"])
    await expect(frame.locator("#log")).not_to_contain_text("Klienten")
    await expect(frame.locator("body")).not_to_contain_text("botten")


def test_the_end_notice_is_neutral_in_every_language() -> None:
    from server.services import texts

    for lang, expected in ENDED.items():
        assert texts.text("closed_by_resident", lang) == expected


async def test_pasted_control_characters_become_spaces_and_the_message_is_sent(
        page: Page, server: ServerProcess) -> None:
    """The server refuses control characters (invalid_frame); a resident who pastes text with
    a form feed or an escape code from another program still gets the message through."""
    await open_host_page(page, server)
    frame = await open_chat(page)
    await start_chat(frame)
    await send(frame, "vuokra\x0crästissä\x1b[0m ja apua")
    sent = messages(frame, "resident").last
    await expect(sent).to_contain_text("vuokra rästissä [0m ja apua")
    await expect(messages(frame, "bot").nth(1)).to_be_visible()
