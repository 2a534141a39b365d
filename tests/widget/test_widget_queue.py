"""The widget opened with `data-queue` (issue 13): the service's own status and name before the
chat, the chat started in that queue (its queue item on a staff socket carries `queue`), axe
clean in fi, sv and en; an unknown queue shows the normal error state instead of breaking."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.clients import StaffClient, unique
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import (
    axe_check,
    open_chat,
    open_host_page,
    screenshot,
    start_chat,
    stored_chat,
)

QUEUE = "perhe"
NAMES = {"fi": "Perhekeskus", "sv": "Familjecenter", "en": "Family centre"}
SERVICE = {"fi": "Palvelu: ", "sv": "Tjänst: ", "en": "Service: "}


@pytest.fixture(scope="module")
def queue_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with a second service queue (the family centre) besides the default one."""
    with start_server(tmp_path_factory.mktemp("widget-queue")) as srv:
        admin = create_staff(srv, unique("a"), role="admin")
        with httpx.Client(base_url=srv.base_url) as http:
            login = http.post("/api/v1/staff/login", json={"username": admin, "password": PASSWORD})
            login.raise_for_status()
            created = http.post("/api/v1/supervisor/queues", json={
                "id": QUEUE, "names": NAMES,
                "descriptions": {"fi": "Tukea lapsiperheille."}, "position": 10},
                headers={"x-csrf-token": login.json()["csrf_token"]})
            assert created.status_code == 201, created.text
        yield srv


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_data_queue_starts_the_chat_in_that_queue(page: Page, queue_server: ServerProcess,
                                                        lang: str) -> None:
    staff = await StaffClient.start(queue_server, create_staff(queue_server, unique("s")))
    await open_host_page(page, queue_server, lang=lang, queue=QUEUE)
    frame = await open_chat(page)
    await expect(frame.locator("#service-name")).to_have_text(SERVICE[lang] + NAMES[lang])
    await expect(frame.locator("#service-status")).not_to_have_text("")
    await axe_check(frame, f"widget intro with data-queue ({lang})")
    if lang == "fi":
        await screenshot(page, "service-queue")
    await start_chat(frame)
    chat_id = (await stored_chat(frame))["chat_id"]
    await frame.locator("#human").click()
    await expect(frame.locator("#queue")).to_be_visible()
    update = (await staff.until(lambda f: f["type"] == "queue.updated" and any(
        i["chat_id"] == chat_id for i in f["items"])))[-1]
    item = next(i for i in update["items"] if i["chat_id"] == chat_id)
    assert item["queue"] == QUEUE
    await axe_check(frame, f"widget queued with data-queue ({lang})")
    await staff.close()


async def test_without_data_queue_the_widget_is_the_general_door(
        page: Page, queue_server: ServerProcess) -> None:
    staff = await StaffClient.start(queue_server, create_staff(queue_server, unique("s")))
    await open_host_page(page, queue_server)
    frame = await open_chat(page)
    await expect(frame.locator("#service-status")).not_to_have_text("Haetaan palvelun tietoja…")
    await expect(frame.locator("#service-name")).to_be_hidden()
    await start_chat(frame)
    chat_id = (await stored_chat(frame))["chat_id"]
    await frame.locator("#human").click()
    # The general door with several services: the bot asks which one, with buttons.
    choice = frame.locator("#log .msg--bot button", has_text=NAMES["fi"])
    await expect(choice).to_be_visible()
    await choice.click()
    update = (await staff.until(lambda f: f["type"] == "queue.updated" and any(
        i["chat_id"] == chat_id for i in f["items"])))[-1]
    assert next(i for i in update["items"] if i["chat_id"] == chat_id)["queue"] == QUEUE
    await expect(frame.locator("#log")).to_contain_text(NAMES["fi"])
    await staff.close()


async def test_an_unknown_queue_shows_the_normal_error_state(
        page: Page, queue_server: ServerProcess) -> None:
    await open_host_page(page, queue_server, queue="no-such-service")
    frame = await open_chat(page)
    await expect(frame.locator("#service-status")).to_have_text(
        "Palvelun tietoja ei saatu. Voit silti aloittaa keskustelun.")
    await expect(frame.locator("#service-name")).to_be_hidden()
    await frame.locator("#start").click()
    error = frame.locator("#start-error")
    await expect(error).to_be_visible()
    await expect(error).to_have_text("Keskustelua ei voitu aloittaa. Yritä hetken päästä uudelleen.")
    await expect(frame.locator("#start")).to_be_enabled()
    await expect(frame.locator("#chat")).to_be_hidden()
    await axe_check(frame, "widget with an unknown queue")
    # Only the refused requests (422) are logged; no script error.
    errors = [e for e in page.js_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert errors == []
