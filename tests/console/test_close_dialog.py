"""The close dialog (issue 9, item 7): the topic the bot detected is ticked to begin with,
ticked topics stay in view as chips above the filtered list, and the statistics topics are
the safety and service intents plus "other" — the same list as the server's TAG_TOPICS."""

from __future__ import annotations

import sqlite3

from playwright.async_api import Browser, expect

from bot.catalogue import CONVERSATION_INTENTS, TAG_TOPICS
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


def test_server_tag_topics_leave_conversational_intents_out() -> None:
    assert not TAG_TOPICS & set(CONVERSATION_INTENTS)
    assert {"crisis_suicide", "housing_advice", "other"} <= TAG_TOPICS


async def test_bot_topic_is_ticked_chips_stay_in_view_and_lists_match_the_server(
        browser: Browser, server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await login(page, server, username)
    console_topics = await page.evaluate(
        "async () => (await import('/console/topics.js')).TAG_TOPICS")
    assert sorted(console_topics) == sorted(TAG_TOPICS)

    resident = await queued_resident(server)
    db = server.env["NEUVO_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:  # as if the bot had detected the topic
        conn.execute("UPDATE chats SET topic = 'housing_advice' WHERE id = ?", (resident.chat_id,))
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    panel = active_panel(page)
    await expect(panel.locator(".history")).to_contain_text("Tarvitsen apua")
    await panel.get_by_role("button", name="Lopeta").click()
    dialog = page.locator("#close-dialog")
    await expect(dialog.get_by_role("checkbox", name="Asumisneuvonta")).to_be_checked()
    chips = dialog.locator("#close-topic-chosen")
    await expect(chips.get_by_role("button")).to_have_text(["Asumisneuvonta ✕"])
    for label in ("Tervehdys", "Pyysi ihmistä", "Myöntävä vastaus", "Kysyi, onko botti"):
        await expect(dialog.get_by_label(label, exact=True)).to_have_count(0)

    # Tick a second topic through the filter, then filter for something else: both stay
    # in view as chips.
    await dialog.get_by_label("Suodata aiheita").fill("velka")
    await dialog.get_by_role("checkbox", name="Talous- ja velkaneuvonta").check()
    await dialog.get_by_label("Suodata aiheita").fill("kela")
    await expect(chips.get_by_role("button")).to_have_text(
        ["Asumisneuvonta ✕", "Talous- ja velkaneuvonta ✕"])
    await expect(chips).to_be_in_viewport()
    await chips.get_by_role("button", name="Poista valinta: Asumisneuvonta").click()
    await expect(dialog.locator("#close-topic-housing_advice")).not_to_be_checked()
    await expect(chips.get_by_role("button")).to_have_text(["Talous- ja velkaneuvonta ✕"])

    await dialog.get_by_label("Ratkesi heti").check()
    await dialog.get_by_role("button", name="Lopeta keskustelu").click()
    await expect(dialog).to_be_hidden()
    await resident.expect("chat.state", state="closed")
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT tag_topics FROM chats WHERE id = ?",
                           (resident.chat_id,)).fetchone()
    assert row == ('["debt_advice"]',)
    no_js_errors(page)
    await resident.close()
    await context.close()
