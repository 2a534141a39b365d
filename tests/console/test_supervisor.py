"""The supervisor page against a real server: live overview, reassign to a staff member's
open console, staff accounts, canned replies (seen in the staff picker), service hours with
exceptions, the announcement (reaches the widget's status API), and the audit page."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, expect

from tests.clients import Resident, StaffClient, unique
from tests.console.console_helpers import (
    active_panel,
    login,
    new_console,
    no_js_errors,
    queued_resident,
)
from tests.processes import ServerProcess, create_staff


async def test_overview_and_reassign(browser: Browser, server: ServerProcess) -> None:
    boss = create_staff(server, unique("v"), role="supervisor", display_name="Esihenkilö")
    worker = create_staff(server, unique("s"), display_name="Britta", languages="sv,fi")
    sup_ctx, sup = await new_console(browser)
    await login(sup, server, boss)
    staff_ctx, staff = await new_console(browser)
    await login(staff, server, worker)
    resident = await queued_resident(server, lang="sv", municipality="Vaasa")

    await sup.get_by_role("link", name="Esihenkilönäkymä").click()
    await expect(sup.locator("#overview")).to_be_visible()
    row = sup.locator(f"#ov-queue tr[data-key='{resident.chat_id}']")
    await expect(row).to_contain_text("Vaasa")
    await expect(sup.locator("#ov-staff")).to_contain_text("Britta")
    await expect(sup.locator("#stats")).to_contain_text("Jonossa")

    await row.get_by_role("button").click()
    dialog = sup.locator("#reassign-dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Kenelle?").select_option(worker)
    await dialog.get_by_label("Sisäinen muistiinpano (asukas ei näe)").fill("Ruotsinkielinen asiakas")
    await dialog.get_by_role("button", name="Siirrä").click()
    await expect(dialog).to_be_hidden()
    panel = active_panel(staff)
    await expect(panel.locator(".notes")).to_contain_text("Ruotsinkielinen asiakas")
    await resident.expect("chat.state", state="active")
    chats_row = sup.locator(f"#ov-chats tr[data-key='{resident.chat_id}']")
    await expect(chats_row).to_contain_text("Britta")
    await expect(row).to_have_count(0)

    # And back to the queue from "chats in progress".
    await chats_row.get_by_role("button").click()
    await dialog.get_by_label("Kenelle?").select_option("queue")
    await dialog.get_by_role("button", name="Siirrä").click()
    await expect(staff.locator("#panels section.chat")).to_have_count(0)
    await expect(staff.locator("#announcer")).to_contain_text("Esihenkilö siirsi keskustelun")
    await expect(sup.locator(f"#ov-queue tr[data-key='{resident.chat_id}']")).to_be_visible()
    no_js_errors(sup)
    no_js_errors(staff)
    await resident.close()
    await sup_ctx.close()
    await staff_ctx.close()


async def test_staff_accounts_canned_hours_announcement(browser: Browser,
                                                         server: ServerProcess) -> None:
    admin = create_staff(server, unique("a"), role="admin", display_name="Pääkäyttäjä")
    context, page = await new_console(browser, lang="en")
    await login(page, server, admin)
    await page.goto(server.base_url + "/console/supervisor#staff")
    new_user = unique("n")
    await page.get_by_role("button", name="New account").click()
    dialog = page.locator("#staff-dialog")
    await dialog.get_by_label("Username").fill(new_user)
    await dialog.get_by_label("Display name").fill("Noora")
    await dialog.get_by_label("Password").fill("short")
    await dialog.get_by_label("Swedish").check()
    await dialog.get_by_role("button", name="Save").click()
    await expect(page.locator("#staff-error")).to_have_text("The password needs at least 10 characters.")
    await dialog.get_by_label("Password").fill("another-long-password")
    await dialog.get_by_label("Maximum chats").fill("2")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    row = page.locator(f"#staff-rows tr[data-key='{new_user}']")
    await expect(row).to_contain_text("Noora")
    await expect(row).to_contain_text("Finnish, Swedish")
    async with httpx.AsyncClient() as http:
        ok = await http.post(server.base_url + "/api/v1/staff/login",
                             json={"username": new_user, "password": "another-long-password"})
        assert ok.status_code == 200 and ok.json()["capacity"] == 2

    await row.get_by_role("button", name="Deactivate: Noora").click()
    await page.locator("#confirm-yes").click()
    await expect(row).to_contain_text("Inactive")

    # Canned replies: create here, find it in a staff member's picker.
    await page.get_by_role("link", name="Canned replies").click()
    await page.get_by_role("button", name="New canned reply").click()
    edit = page.locator("#canned-edit-dialog")
    await edit.get_by_label("Language").select_option("sv")
    await edit.get_by_label("Title").fill("Hälsning test")
    await edit.get_by_label("Text").fill("Hej! Jag heter Noora. Hur kan jag hjälpa?")
    await edit.get_by_role("button", name="Save").click()
    await expect(page.locator("#canned-rows")).to_contain_text("Hälsning test")
    async with httpx.AsyncClient() as http:
        login_response = await http.post(server.base_url + "/api/v1/staff/login", json={
            "username": admin, "password": "correct-horse-battery"})
        login_response.raise_for_status()
        found = await http.get(server.base_url + "/api/v1/staff/canned?lang=sv&q=hälsning test")
        assert [i["title"] for i in found.json()["items"]] == ["Hälsning test"]
    await page.locator("#canned-rows tr", has_text="Hälsning test").get_by_role(
        "button", name="Delete: Hälsning test").click()
    await page.locator("#confirm-yes").click()
    await expect(page.locator("#canned-rows")).not_to_contain_text("Hälsning test")

    # Service hours: Monday–Friday 8–16 and a closed afternoon; then the default again.
    await page.get_by_role("link", name="Service hours and announcement").click()
    await expect(page.locator("#hours-tz")).to_have_value("Europe/Helsinki")
    await page.get_by_label("Always open (24/7)").uncheck()
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        await page.get_by_role("button", name=f"Add hours: {day}").click()
    await page.get_by_role("button", name="Add an exception").click()
    await page.locator(".x-date").last.fill("2026-12-03")
    await page.locator(".x-from").last.fill("12:00")
    await page.locator(".x-to").last.fill("16:00")
    await page.locator(".x-note").last.fill("Training")
    await page.get_by_role("button", name="Save service hours").click()
    await expect(page.locator("#hours-source")).to_have_text("The hours were saved in the console.")
    settings = await page.evaluate("fetch('/api/v1/supervisor/service').then(r => r.json())")
    assert settings["hours"]["weekly"]["mon"] == [{"from": "08:00", "to": "16:00"}]
    assert settings["hours"]["weekly"]["sat"] == []
    assert settings["hours"]["exceptions"] == [
        {"date": "2026-12-03", "from": "12:00", "to": "16:00", "note": "Training"}]
    # One click does not wipe them: a confirmation first, focus on the safe choice.
    await page.get_by_role("button", name="Back to the default hours").click()
    await expect(page.locator("#confirm-dialog")).to_be_visible()
    await expect(page.locator("#confirm-text")).to_contain_text("weekly hours")
    await expect(page.locator("#confirm-no")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#confirm-dialog")).to_be_hidden()
    await expect(page.locator("#hours-source")).to_have_text("The hours were saved in the console.")
    await page.get_by_role("button", name="Back to the default hours").click()
    await page.locator("#confirm-yes").click()
    await expect(page.locator("#hours-source")).to_contain_text("default hours")

    await page.get_by_label("Announcement in Finnish").fill("Tänään jono on pitkä.")
    await page.get_by_role("button", name="Save the announcement").click()
    await expect(page.locator("#announcer")).to_have_text("The announcement was saved.")
    status = await page.evaluate("fetch('/api/v1/service/status?lang=fi').then(r => r.json())")
    assert status["announcement"] == "Tänään jono on pitkä."
    await page.get_by_label("Announcement in Finnish").fill("")
    await page.locator("#announcer").evaluate("el => el.textContent = ''")
    await page.get_by_role("button", name="Save the announcement").click()
    await expect(page.locator("#announcer")).to_have_text("The announcement was saved.")
    status = await page.evaluate("fetch('/api/v1/service/status?lang=fi').then(r => r.json())")
    assert status["announcement"] is None

    no_js_errors(page)
    await context.close()


async def test_audit_page_filters_and_pages(browser: Browser, server: ServerProcess) -> None:
    admin = create_staff(server, unique("a"), role="admin")
    worker = create_staff(server, unique("s"))
    resident = await queued_resident(server)
    staff = await StaffClient.start(server, worker)
    await staff.accept(resident.chat_id)
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        (await http.post("/api/v1/staff/login", json={
            "username": worker, "password": "correct-horse-battery"})).raise_for_status()
        for _ in range(30):
            exported = await http.get(f"/api/v1/staff/chats/{resident.chat_id}/transcript.txt")
            assert exported.status_code == 200
    context, page = await new_console(browser, lang="en")
    await login(page, server, admin)
    await page.goto(server.base_url + "/console/audit")
    await page.get_by_label("Username").fill(worker)
    await page.get_by_label("Rows per page").select_option("25")
    await page.get_by_role("button", name="Search").click()
    rows = page.locator("#audit-rows tr")
    await expect(page.locator("#audit-status")).to_have_text("Page 1: 25 rows.")
    await expect(rows.first).to_contain_text("Exported the transcript")
    await expect(page.locator("#audit-newest")).to_be_disabled()
    await page.get_by_role("button", name="Older").click()
    await expect(page.locator("#audit-status")).to_have_text("Page 2: 6 rows.")
    await expect(rows.last).to_contain_text("Accepted the chat")
    await expect(rows.last).to_contain_text(resident.chat_id)
    await expect(page.locator("#audit-older")).to_be_disabled()
    await page.get_by_role("button", name="Newest").click()
    await expect(page.locator("#audit-status")).to_have_text("Page 1: 25 rows.")
    no_js_errors(page)
    await staff.close()
    await resident.close()
    await context.close()


CLIPPED_TIME_FIELDS = """() => [...document.querySelectorAll("#service input[type=time]")]
  .filter((el) => el.getClientRects().length).map((el) => {
    const shown = el.getBoundingClientRect().width;
    el.style.width = "auto";
    const needed = el.getBoundingClientRect().width;
    el.style.width = "";
    return { id: el.id, shown, needed };
  }).filter((f) => f.shown + 1 < f.needed)"""


async def test_hours_fields_fit_a_12_hour_browser_locale(browser: Browser,
                                                         server: ServerProcess) -> None:
    supervisor = create_staff(server, unique("v"), role="supervisor")
    context, page = await new_console(browser, lang="en", locale="en-US")
    await login(page, server, supervisor)
    await page.goto(server.base_url + "/console/supervisor#service")
    await page.get_by_label("Always open (24/7)").uncheck()
    await page.get_by_role("button", name="Add hours: Monday").click()
    await page.get_by_role("button", name="Add an exception").click()
    await page.locator(".x-from").last.fill("12:00")
    await expect(page.locator(".range__from").first).to_have_value("08:00")
    assert await page.evaluate(CLIPPED_TIME_FIELDS) == []
    no_js_errors(page)
    await context.close()


async def test_feedback_comments_are_shown_anonymised_with_the_days_scores(
        browser: Browser, server: ServerProcess) -> None:
    supervisor = create_staff(server, unique("v"), role="supervisor")
    resident = await Resident.start(server, "fi")
    await resident.send({"type": "chat.close"})
    await resident.expect("chat.state", state="closed")
    await resident.send({"type": "feedback.submit", "score": 2,
                         "comment": "Nimeni on Matti Virtanen, numeroni 040 765 4321. Jono oli pitkä."})
    await resident.expect("feedback.ack")
    await resident.close()
    context, page = await new_console(browser, lang="fi")
    await login(page, server, supervisor)
    await page.goto(server.base_url + "/console/supervisor")
    await page.get_by_role("link", name="Palaute").click()
    row = page.locator("#fb-rows tr").first
    await expect(row).to_contain_text("Nimeni on <NAME>, numeroni <PHONE>. Jono oli pitkä.")
    await expect(row).to_contain_text("2 / 5")
    await expect(row).to_contain_text("suomi")
    await expect(page.locator("#feedback")).not_to_contain_text("Virtanen")
    today = page.locator("#fb-today")
    await expect(today.locator(".stat", has_text="Palautteita tänään").locator("dd")).not_to_have_text("0")
    await expect(today.locator(".stat", has_text="Arvio 2").locator("dd")).not_to_have_text("0")
    no_js_errors(page)
    await context.close()
