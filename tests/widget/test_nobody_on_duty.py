"""Service open (hours `always`) but nobody logged in (issue 9, item 2, widget side): the start
screen and the queue banner say honestly that nobody is on duty right now, that the resident
can still wait, and to call or text 112 in an emergency; never "everyone is busy". Axe clean
in fi/sv/en."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.processes import ServerProcess
from tests.widget.widget_helpers import (
    axe_check,
    open_chat,
    open_host_page,
    screenshot,
    start_chat,
)

NOBODY = {"fi": "Juuri nyt kukaan työntekijä ei ole paikalla.",
          "sv": "Just nu finns ingen medarbetare på plats.",
          "en": "Nobody from the staff is on duty right now."}
WAIT = {"fi": "Voit silti", "sv": "Du kan ändå", "en": "You can still wait in the queue."}
EMERGENCY = {"fi": "Hätätilanteessa soita tai lähetä tekstiviesti numeroon 112.",
             "sv": "I en nödsituation ring eller skicka sms till 112.",
             "en": "In an emergency, call or text 112."}
BUSY = {"fi": "varattu", "sv": "upptagna", "en": "busy"}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_nobody_on_duty_is_said_honestly(page: Page, server: ServerProcess,
                                               lang: str) -> None:
    status = await page.request.get(f"{server.base_url}/api/v1/service/status?lang={lang}")
    body = await status.json()
    assert body["open_now"] is True and body["staff_on_duty"] == 0
    await open_host_page(page, server, lang=lang)
    frame = await open_chat(page)
    intro = frame.locator("#service-status")
    for part in (NOBODY[lang], WAIT[lang], EMERGENCY[lang]):
        await expect(intro).to_contain_text(part)
    await expect(intro).not_to_contain_text(BUSY[lang])
    await axe_check(frame, f"open, nobody on duty ({lang})")

    await start_chat(frame)
    await frame.locator("#human").click()
    banner = frame.locator("#queue")
    await expect(banner).to_be_visible()
    for part in (NOBODY[lang], WAIT[lang], EMERGENCY[lang]):
        await expect(banner).to_contain_text(part)
    await expect(banner).not_to_contain_text(BUSY[lang])
    await axe_check(frame, f"queued, nobody on duty ({lang})")
    if lang == "fi":
        await screenshot(page, "queued-nobody-on-duty")
