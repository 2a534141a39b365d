"""What a supervisor sets in the console reaches the widget before the chat starts: the
announcement line (in the resident's language, else another) and the service hours with
upcoming closures; out of hours the widget says nobody is on duty."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from tests.clients import unique
from tests.processes import PASSWORD, ServerProcess, create_staff
from tests.widget.widget_helpers import axe_check, open_chat, open_host_page


async def supervisor_puts(server: ServerProcess, *calls: tuple[str, dict[str, object]]) -> None:
    name = create_staff(server, unique("sup"), role="supervisor")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/api/v1/staff/login", json={"username": name, "password": PASSWORD})
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        for path, body in calls:
            response = await http.put(path, json=body, headers=csrf)
            assert response.status_code == 200, response.text


async def test_announcement_and_closures_from_the_console(page: Page, server: ServerProcess) -> None:
    today = datetime.now(ZoneInfo("Europe/Helsinki")).date()
    await supervisor_puts(
        server,
        ("/api/v1/supervisor/service/announcement",
         {"fi": "Tänään jono on tavallista pidempi.", "en": "The queue is longer than usual today."}),
        ("/api/v1/supervisor/service/hours",
         {"always": True, "exceptions": [
             {"date": today.isoformat(), "note": "koulutus"},
             {"date": (today + timedelta(days=3)).isoformat(), "from": "12:00", "to": "16:00"}]}))
    await open_host_page(page, server, lang="fi")
    frame = await open_chat(page)
    await expect(frame.locator("#announcement")).to_be_visible()
    await expect(frame.locator("#announcement-text")).to_have_text(
        "Tänään jono on tavallista pidempi.")
    hours = frame.locator("#service-hours")
    await expect(hours).to_contain_text(f"{today.day}.{today.month}. suljettu")
    later = today + timedelta(days=3)
    await expect(hours).to_contain_text(f"{later.day}.{later.month}. suljettu 12.00–16.00")
    await expect(frame.locator("#service-status")).to_contain_text("eivät ole nyt paikalla")
    await axe_check(frame, "chat frame with an announcement (fi)")


async def test_no_announcement_box_without_one(page: Page, server: ServerProcess) -> None:
    await open_host_page(page, server, lang="sv")
    frame = await open_chat(page)
    await expect(frame.locator("#service-hours")).to_be_visible()
    await expect(frame.locator("#announcement")).to_be_hidden()
