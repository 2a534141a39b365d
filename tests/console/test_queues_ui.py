"""Routing between services in the console (issue 13), in Chromium against a real server with
three extra service queues: the staff queue list's service column, filter ("my queues", one
queue, all) and per-queue waiting summary; the transfer dialog's "another service" with the
confirmation for a service that is closed now; the supervisor's per-queue table and reassign
to another service; queue management (create, edit, members, a refused delete). axe-core finds
nothing in fi, sv and en; screenshots in fi."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.clients import Resident, StaffClient, unique
from tests.console.console_helpers import (
    RECORD_SOCKET,
    TABLET_PORTRAIT,
    active_panel,
    frames,
    login,
    new_console,
    no_js_errors,
    queue_item,
    screenshot,
)
from tests.processes import ServerProcess, create_staff, start_server
from tests.waiting import eventually
from tests.widget.widget_helpers import axe_check

LANGS = ["fi", "sv", "en"]
FAMILY, OTHER, NIGHT = "perhe", "muu", "yo"
NAMES = {
    FAMILY: {"fi": "Perhekeskus", "sv": "Familjecenter", "en": "Family centre"},
    OTHER: {"fi": "Päihdepalvelut", "sv": "Missbrukstjänster", "en": "Substance services"},
    NIGHT: {"fi": "Iltapäivystys", "sv": "Kvällsjour", "en": "Evening service"},
}
DEFAULT_NAME = {"fi": "Aikuissosiaalityö", "sv": "Socialt arbete för vuxna", "en": "Adult social work"}


def closed_hours() -> dict[str, Any]:
    """Hours that are closed now: one minute a night, today and tomorrow closed all day."""
    today = datetime.now(ZoneInfo("Europe/Helsinki")).date()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return {"always": False, "tz": "Europe/Helsinki",
            "weekly": {d: [{"from": "03:00", "to": "03:01"}] for d in days},
            "exceptions": [{"date": (today + timedelta(days=n)).isoformat(), "from": None,
                            "to": None, "note": None} for n in (0, 1)]}


class Api:
    """A supervisor's HTTP session (cookie and CSRF token) for setting up queues."""

    def __init__(self, server: ServerProcess, username: str) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=30)
        response = self.http.post("/api/v1/staff/login",
                                  json={"username": username, "password": "correct-horse-battery"})
        response.raise_for_status()
        self.http.headers["x-csrf-token"] = response.json()["csrf_token"]

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.http.request(method, path, json=body)
        assert response.status_code == status, response.text
        return response.json()

    def queue(self, queue_id: str) -> dict[str, Any]:
        items = self.call("GET", "/api/v1/supervisor/queues")["items"]
        return next(q for q in items if q["id"] == queue_id)

    def queue_of(self, chat_id: str) -> str | None:
        data = self.call("GET", "/api/v1/supervisor/overview")
        for item in data["queue"]["items"] + data["chats"]:
            if item["chat_id"] == chat_id:
                return item.get("queue")  # type: ignore[no-any-return]
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("queues-ui"), {"NEUVO_STAFF_GRACE_S": "30"}) as srv:
        yield srv


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Iterator[Api]:
    """An admin account, and the three extra queues (NIGHT is closed now)."""
    name = create_staff(server, unique("a"), role="admin", display_name="Pääkäyttäjä")
    api = Api(server, name)
    for queue_id, position in ((FAMILY, 10), (OTHER, 20)):
        api.call("POST", "/api/v1/supervisor/queues", {
            "id": queue_id, "names": NAMES[queue_id], "position": position}, status=201)
    api.call("POST", "/api/v1/supervisor/queues", {
        "id": NIGHT, "names": NAMES[NIGHT], "position": 30, "hours": closed_hours()}, status=201)
    yield api
    api.http.close()


async def resident_in(server: ServerProcess, queue_id: str, lang: str) -> Resident:
    """A resident who came in by the service's own door (data-queue) and asked for a person."""
    resident = await Resident.start(server, lang=lang, queue=queue_id)
    await resident.say("Tarvitsen apua")
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    return resident


def no_errors_but_refusals(page: Page) -> None:
    """No script errors; the browser's own log line for a refused call (409) is expected."""
    page.js_errors[:] = [e for e in page.js_errors  # type: ignore[attr-defined]
                         if "status of 409" not in e]
    no_js_errors(page)


@pytest.mark.parametrize("lang", LANGS)
async def test_queue_filter_and_transfer_to_another_service(
        browser: Browser, server: ServerProcess, admin: Api, lang: str) -> None:
    worker = create_staff(server, unique("s"), display_name="Aino")
    admin.call("PUT", f"/api/v1/supervisor/queues/{FAMILY}/members", {"members": [worker]})
    admin.call("PUT", "/api/v1/supervisor/queues/default/members", {"members": [worker]})
    mine = await resident_in(server, FAMILY, lang)
    theirs = await resident_in(server, OTHER, lang)
    context, page = await new_console(browser, lang=lang)
    await context.add_init_script(RECORD_SOCKET)
    await login(page, server, worker)

    # "My queues" (the default): the family centre's chat, not the other service's.
    select = page.locator("#queue-filter")
    await expect(select).to_be_visible()
    await expect(select).to_have_value("mine")
    await expect(queue_item(page, mine.chat_id)).to_contain_text(NAMES[FAMILY][lang])
    await expect(queue_item(page, theirs.chat_id)).to_have_count(0)
    summary = page.locator("#queue-summary li")
    await expect(summary).to_have_count(2)  # default and the family centre
    family_row = page.locator(f"#queue-summary li[data-key='{FAMILY}']")
    await expect(family_row).to_contain_text(NAMES[FAMILY][lang])
    await expect(family_row).to_contain_text("1")
    await axe_check(page, f"console queue with filter ({lang})")
    if lang == "fi":
        await screenshot(page, "console-queue-filter")

    await select.select_option("all")
    await expect(queue_item(page, theirs.chat_id)).to_contain_text(NAMES[OTHER][lang])
    await expect(queue_item(page, mine.chat_id)).to_be_visible()
    await expect(summary).to_have_count(4)
    await select.select_option(f"q:{OTHER}")
    await expect(queue_item(page, theirs.chat_id)).to_be_visible()
    await expect(queue_item(page, mine.chat_id)).to_have_count(0)
    await page.reload()  # the choice is remembered
    await expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    await expect(page.locator("#queue-filter")).to_have_value(f"q:{OTHER}")
    await page.locator("#queue-filter").select_option("mine")
    await expect(queue_item(page, theirs.chat_id)).to_have_count(0)

    # Take the family centre's chat and transfer it to the service that is closed now.
    await queue_item(page, mine.chat_id).get_by_role("button").click()
    await mine.expect("chat.state", state="active")
    await active_panel(page).locator(".chat__actions button").first.focus()
    await page.keyboard.press("Alt+t")
    dialog = page.locator("#transfer-dialog")
    await expect(dialog).to_be_visible()
    services = dialog.locator("#transfer-services input")
    await expect(services).to_have_count(3)  # default, other and night: not its own service
    await expect(dialog.locator(f"#transfer-svc-{FAMILY}")).to_have_count(0)
    night = dialog.locator(f"#transfer-svc-{NIGHT}")
    await expect(dialog.locator(f"label[for='transfer-svc-{NIGHT}']")).to_contain_text(
        {"fi": "Suljettu nyt", "sv": "Stängd nu", "en": "Closed now"}[lang])
    await axe_check(page, f"transfer dialog with services ({lang})")
    await night.check()
    await dialog.locator("#transfer-note").fill("Asia kuuluu iltapäivystykselle")
    await dialog.locator("button[type=submit]").click()
    confirm = dialog.locator("#transfer-closed")
    await expect(confirm).to_be_visible()
    await expect(confirm).to_contain_text(NAMES[NIGHT][lang])
    await expect(dialog.locator("#transfer-closed-cancel")).to_be_focused()
    await axe_check(page, f"transfer to a closed service, confirmation ({lang})")
    if lang == "fi":
        await screenshot(page, "console-transfer-service")
    assert await frames(page, "sent", "chat.transfer") == []  # nothing sent before the answer

    await dialog.locator("#transfer-closed-cancel").click()  # "choose another"
    await expect(confirm).to_be_hidden()
    await expect(night).to_be_focused()
    await dialog.locator("button[type=submit]").click()
    await expect(confirm).to_be_visible()
    await dialog.locator("#transfer-confirm").click()
    await expect(dialog).to_be_hidden()
    state = await mine.expect("chat.state", state="queued")
    assert state["reason"] == "transferred_to_queue"
    sent = await frames(page, "sent", "chat.transfer")
    assert sent == [{"type": "chat.transfer", "chat_id": mine.chat_id, "to": "queue",
                     "queue": NIGHT, "confirm": True, "note": "Asia kuuluu iltapäivystykselle"}]
    assert admin.queue_of(mine.chat_id) == NIGHT
    await expect(page.locator("#panels section.chat")).to_have_count(0)
    no_js_errors(page)
    await mine.close()
    await theirs.close()
    await context.close()


async def test_transfer_to_a_service_that_closed_meanwhile_asks_to_confirm(
        browser: Browser, server: ServerProcess, admin: Api) -> None:
    """The list said open; the server refuses (conflict) because it closed: the dialog asks."""
    worker = create_staff(server, unique("s"), display_name="Aino")
    admin.call("PUT", f"/api/v1/supervisor/queues/{FAMILY}/members", {"members": [worker]})
    resident = await resident_in(server, FAMILY, "fi")
    context, page = await new_console(browser)
    await context.add_init_script(RECORD_SOCKET)
    await login(page, server, worker)
    await queue_item(page, resident.chat_id).get_by_role("button").click()
    await resident.expect("chat.state", state="active")
    await active_panel(page).get_by_role("button", name="Siirrä").click()
    dialog = page.locator("#transfer-dialog")
    option = dialog.locator(f"#transfer-svc-{OTHER}")
    await expect(dialog.locator(f"label[for='transfer-svc-{OTHER}']")).to_contain_text("Auki nyt")
    revision = admin.queue(OTHER)["revision"]
    admin.call("PUT", f"/api/v1/supervisor/queues/{OTHER}",
               {"revision": revision, "hours": closed_hours()})
    try:
        await option.check()
        await dialog.locator("button[type=submit]").click()
        await expect(dialog.locator("#transfer-closed")).to_be_visible()
        assert [f.get("confirm") for f in await frames(page, "sent", "chat.transfer")] == [None]
        await dialog.locator("#transfer-confirm").click()
        await expect(dialog).to_be_hidden()
        await resident.expect("chat.state", state="queued")
        assert admin.queue_of(resident.chat_id) == OTHER
    finally:
        admin.call("PUT", f"/api/v1/supervisor/queues/{OTHER}",
                   {"revision": revision + 1, "hours": None})
    no_js_errors(page)
    await resident.close()
    await context.close()


@pytest.mark.parametrize("lang", LANGS)
async def test_supervisor_per_queue_table_and_reassign_to_another_service(
        browser: Browser, server: ServerProcess, admin: Api, lang: str) -> None:
    boss = create_staff(server, unique("v"), role="supervisor", display_name="Esihenkilö")
    worker = create_staff(server, unique("s"), display_name="Britta")
    admin.call("PUT", f"/api/v1/supervisor/queues/{FAMILY}/members", {"members": [worker]})
    on_duty = await StaffClient.start(server, worker)
    waiting = await resident_in(server, FAMILY, lang)
    context, page = await new_console(browser, lang=lang)
    await login(page, server, boss)
    await page.goto(server.base_url + "/console/supervisor")
    row = page.locator(f"#ov-queues tr[data-key='{FAMILY}']")
    await expect(row.locator("td").nth(0)).to_have_text(NAMES[FAMILY][lang])
    await expect(row.locator("td").nth(4)).to_have_text("1")  # Britta serves it
    await expect(page.locator(f"#ov-queues tr[data-key='{NIGHT}'] td").nth(3)).to_have_text(
        {"fi": "Suljettu", "sv": "Stängd", "en": "Closed"}[lang])
    await expect(row.locator("td").nth(1)).not_to_have_text("0")
    item = page.locator(f"#ov-queue tr[data-key='{waiting.chat_id}']")
    await expect(item).to_contain_text(NAMES[FAMILY][lang])
    await axe_check(page, f"supervisor overview with queues ({lang})")
    if lang == "fi":
        await screenshot(page, "supervisor-queues-overview")

    await item.get_by_role("button").click()
    dialog = page.locator("#reassign-dialog")
    await expect(dialog).to_be_visible()
    await dialog.locator("#reassign-to").select_option("queue")
    await expect(dialog.locator("#reassign-queue")).to_be_visible()
    await expect(dialog.locator("#reassign-queue")).to_have_value(FAMILY)
    await dialog.locator("#reassign-queue").select_option(OTHER)
    await axe_check(page, f"reassign to another service ({lang})")
    await dialog.locator("button[type=submit]").click()
    await expect(dialog).to_be_hidden()
    await expect(item).to_contain_text(NAMES[OTHER][lang])
    assert admin.queue_of(waiting.chat_id) == OTHER
    no_js_errors(page)
    await waiting.close()
    await on_duty.close()
    await context.close()


@pytest.mark.parametrize("lang", LANGS)
async def test_queue_management(browser: Browser, server: ServerProcess, admin: Api,
                                lang: str) -> None:
    boss = create_staff(server, unique("v"), role="supervisor", display_name="Esihenkilö")
    worker = create_staff(server, unique("s"), display_name="Cecilia")
    context, page = await new_console(browser, lang=lang)
    await login(page, server, boss)
    await page.goto(server.base_url + "/console/supervisor#queues")
    await expect(page.locator("#queue-rows tr[data-key='default']")).to_contain_text(DEFAULT_NAME[lang])
    await expect(page.locator("#queue-rows tr[data-key='default'] button").nth(2)).to_be_hidden()
    await axe_check(page, f"queue management list ({lang})")
    if lang == "fi":
        await screenshot(page, "supervisor-queues")

    # Create: id, names, a topic, own hours (Monday 8-16).
    queue_id = unique("q").lower().replace("-", "_")[:32]
    await page.locator("#queue-new").click()
    dialog = page.locator("#queue-dialog")
    await expect(dialog).to_be_visible()
    await expect(page.locator("#queue-id")).to_be_focused()
    await expect(dialog.locator("#queue-topic-crisis_suicide")).to_be_disabled()
    await expect(dialog.locator("#queue-safety-note")).to_be_visible()
    await page.locator("#queue-id").fill(queue_id)
    await page.locator("#queue-name-fi").fill("Velkaneuvonta")
    await page.locator("#queue-name-sv").fill("Skuldrådgivning")
    await page.locator("#queue-desc-fi").fill("Apua velkoihin.")
    await dialog.locator("#queue-topic-debt_advice").check()
    await page.locator("#queue-hours-own").check()
    await expect(page.locator("#queue-hours-editor")).to_be_visible()
    await page.locator("#queue-ann-fi").fill("Vastaamme arkisin.")
    await axe_check(page, f"queue dialog, new ({lang})")
    if lang == "fi":
        await screenshot(page, "supervisor-queue-dialog")
    await dialog.locator("button[type=submit]").click()
    await expect(dialog).to_be_hidden()
    row = page.locator(f"#queue-rows tr[data-key='{queue_id}']")
    await expect(row).to_be_visible()
    created = admin.queue(queue_id)
    assert created["names"] == {"fi": "Velkaneuvonta", "sv": "Skuldrådgivning"}
    assert created["descriptions"] == {"fi": "Apua velkoihin."}
    assert created["topics"] == ["debt_advice"]
    assert created["hours"]["weekly"]["mon"] == [{"from": "08:00", "to": "16:00"}]
    assert created["hours"]["weekly"]["sat"] == []
    assert created["announcement"] == {"fi": "Vastaamme arkisin."}

    # Edit: an English name, the service hours again, hidden from residents.
    await row.locator("button").nth(0).click()
    await expect(page.locator("#queue-name-fi")).to_have_value("Velkaneuvonta")
    await expect(page.locator("#queue-hours-own")).to_be_checked()
    await page.locator("#queue-name-en").fill("Debt advice")
    await page.locator("#queue-hours-service").check()
    await expect(page.locator("#queue-hours-editor")).to_be_hidden()
    await page.locator("#queue-public").uncheck()
    await dialog.locator("button[type=submit]").click()
    await expect(dialog).to_be_hidden()
    edited = admin.queue(queue_id)
    assert edited["names"]["en"] == "Debt advice"
    assert edited["hours"] is None and edited["public"] is False
    assert edited["revision"] == created["revision"] + 1

    # Members: Cecilia serves it.
    await row.locator("button").nth(1).click()
    members = page.locator("#queue-members-dialog")
    await expect(members).to_be_visible()
    await axe_check(page, f"queue members dialog ({lang})")
    await members.locator(f"#queue-member-{worker}").check()
    await members.locator("button[type=submit]").click()
    await expect(members).to_be_hidden()
    await expect(row.locator("td").nth(4)).to_have_text("1")
    assert len(admin.queue(queue_id)["members"]) == 1

    # Delete: refused while Cecilia is in it, with the reason; then allowed.
    await row.locator("button").nth(2).click()
    await expect(page.locator("#confirm-dialog")).to_be_visible()
    await axe_check(page, f"queue delete confirmation ({lang})")
    await page.locator("#confirm-yes").click()
    alert = page.locator("#page-alert")
    await expect(alert).to_be_visible()
    await expect(alert).to_contain_text("1")
    await expect(alert).to_contain_text(
        {"fi": "Velkaneuvonta", "sv": "Skuldrådgivning", "en": "Debt advice"}[lang])
    await expect(row).to_be_visible()
    admin.call("PUT", f"/api/v1/supervisor/queues/{queue_id}/members", {"members": []})
    await row.locator("button").nth(2).click()
    await page.locator("#confirm-yes").click()
    await expect(row).to_have_count(0)
    await expect(alert).to_be_hidden()
    no_errors_but_refusals(page)
    await context.close()


async def test_stale_edit_and_tablet_width(browser: Browser, server: ServerProcess,
                                           admin: Api) -> None:
    """An edit from an old revision is refused readably; the dialog fits a tablet."""
    boss = create_staff(server, unique("v"), role="supervisor", display_name="Esihenkilö")
    context, page = await new_console(browser, TABLET_PORTRAIT)
    await login(page, server, boss)
    await page.goto(server.base_url + "/console/supervisor#queues")
    row = page.locator(f"#queue-rows tr[data-key='{OTHER}']")
    await row.locator("button").nth(0).click()
    await expect(page.locator("#queue-dialog")).to_be_visible()
    current = admin.queue(OTHER)
    admin.call("PUT", f"/api/v1/supervisor/queues/{OTHER}",
               {"revision": current["revision"], "position": current["position"]})
    await page.locator("#queue-dialog button[type=submit]").click()
    await expect(page.locator("#queue-error")).to_contain_text("Joku muu muutti")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768

    async def closed() -> bool:
        await page.keyboard.press("Escape")
        return not await page.locator("#queue-dialog").is_visible()

    await eventually(closed)
    no_errors_but_refusals(page)
    await context.close()
