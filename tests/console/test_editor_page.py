"""The content editor page (/console/editor) in Chromium: an editor-only account lands on
it after logging in; the intent list, the intent dialog with the plain-language check while
writing, create → save → check → publish → versions, a visible conflict when another editor
saved first, keyboard use, and axe-core zero violations on the page and the dialog in
fi/sv/en. Screenshots (fi, 1280×720) with NEUVO_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.clients import unique
from tests.console.console_helpers import DESKTOP, TABLET_PORTRAIT, new_console, no_js_errors, screenshot
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import axe_check

pytestmark = pytest.mark.timeout(400)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("editor-page"), {"NEUVO_BOT": "embedded"}) as srv:
        yield srv


async def editor_login(page: Page, server: ServerProcess, username: str) -> None:
    await page.goto(server.base_url + "/console/")
    await page.locator("#login-username").fill(username)
    await page.locator("#login-password").fill(PASSWORD)
    await page.locator("#login-submit").click()
    await page.wait_for_url("**/console/editor")
    await expect(page.locator("#intent-rows tr[data-intent='greet']")).to_be_visible()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_editor_page_and_dialog_have_no_axe_violations(
        browser: Browser, server: ServerProcess, lang: str) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, DESKTOP, lang=lang)
    try:
        await editor_login(page, server, name)
        await expect(page.locator("html")).to_have_attribute("lang", lang)
        await page.locator("#run-report").click()
        await expect(page.locator("#report-status")).to_contain_text(
            {"fi": "Ei virheitä", "sv": "Inga fel", "en": "No errors"}[lang], timeout=30_000)
        await expect(page.locator("#version-rows tr").first).to_be_visible()
        await axe_check(page, f"editor page ({lang})")
        if lang == "fi":
            await page.evaluate("window.scrollTo(0, 0)")
            await screenshot(page, "editor-1280x720-fi")
        await page.locator("#intent-rows tr[data-intent='housing_advice'] button").click()
        dialog = page.locator("#intent-dialog")
        await expect(dialog).to_be_visible()
        await expect(page.locator("#plain-fi p, #plain-fi ul").first).to_be_visible()
        await expect(page.locator("#plain-fi")).not_to_contain_text("null")
        await axe_check(page, f"intent dialog ({lang})")
        if lang == "fi":
            await screenshot(page, "editor-intent-1280x720-fi")
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        no_js_errors(page)
    finally:
        await context.close()


async def test_create_write_check_publish_and_see_the_version(
        browser: Browser, server: ServerProcess) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, DESKTOP, lang="fi")
    try:
        await editor_login(page, server, name)
        # keyboard only: the name field, Enter submits
        await page.locator("#new-intent-name").focus()
        await page.keyboard.type("swimming_hall")
        await page.keyboard.press("Enter")
        dialog = page.locator("#intent-dialog")
        await expect(dialog).to_be_visible()
        await expect(page.locator("#examples-fi")).to_be_focused()
        await page.keyboard.type("milloin uimahalli on auki\nuimahallin aukioloajat\nuimahalli auki")
        await page.locator("#examples-sv").fill("när är simhallen öppen")
        await page.locator("#examples-en").fill("when is the swimming hall open")
        long = ("Uimahalli on auki maanantaista perjantaihin kello kuudesta kahdeksaan ja "
                "viikonloppuisin kello yhdeksästä kuuteen paitsi juhlapyhinä jolloin se on kiinni.")
        await page.locator("#answer-fi").fill(long)
        await expect(page.locator("#plain-fi li").first).to_contain_text("Pitkä virke")
        await page.locator("#answer-fi").fill("Uimahalli on auki arkisin kello 6–20.")
        await expect(page.locator("#plain-fi")).to_contain_text("Selkeää kieltä")
        await page.locator("#answer-sv").fill("Simhallen är öppen vardagar 6–20.")
        await page.locator("#answer-en").fill("The swimming hall is open on weekdays 6–20.")
        await page.locator("#intent-save").click()
        await expect(page.locator("#page-status")).to_contain_text("Tallennettu")
        await page.keyboard.press("Escape")
        row = page.locator("#intent-rows tr[data-intent='swimming_hall']")
        await expect(row).to_contain_text("3 / 1 / 1")

        await page.locator("#run-report").click()
        await expect(page.locator("#report-items")).to_contain_text("swimming_hall", timeout=30_000)
        await page.locator("#publish-note").fill("uimahalli")
        await page.locator("#publish-button").click()
        await expect(page.locator("#publish-status")).to_contain_text("on julkaistu", timeout=180_000)
        await expect(page.locator("#version-rows tr").first).to_contain_text("uimahalli")
        await expect(page.locator("#version-rows tr").first).to_contain_text("swimming_hall")
        await axe_check(page, "editor page after publishing")
        no_js_errors(page)
    finally:
        await context.close()


async def test_a_conflict_is_shown_with_the_other_editors_version(
        browser: Browser, server: ServerProcess) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    other = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, TABLET_PORTRAIT, lang="en")
    try:
        await editor_login(page, server, name)
        await page.locator("#intent-rows tr[data-intent='thanks'] button").click()
        await expect(page.locator("#examples-fi")).to_be_visible()
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            login = await http.post("/api/v1/staff/login", json={"username": other, "password": PASSWORD})
            view = (await http.get("/api/v1/editor/intents/thanks")).json()
            saved = await http.put("/api/v1/editor/intents/thanks", headers={
                "X-CSRF-Token": login.json()["csrf_token"]}, json={
                "revision": view["revision"], "examples": {"en": [*view["examples"]["en"], "much obliged"]}})
            assert saved.status_code == 200
        await page.locator("#examples-en").fill("thank you so much")
        await page.locator("#intent-save").click()
        await expect(page.locator("#intent-conflict")).to_be_visible()
        await expect(page.locator("#intent-conflict")).to_contain_text(other)
        await expect(page.locator("#intent-other")).to_contain_text("much obliged")
        await axe_check(page, "conflict in the intent dialog")
        await page.locator("#intent-reload").click()
        await expect(page.locator("#intent-conflict")).to_be_hidden()
        assert "much obliged" in await page.locator("#examples-en").input_value()
        errors = page.js_errors  # type: ignore[attr-defined]
        errors[:] = [e for e in errors if "status of 409" not in e]  # the conflict itself
        no_js_errors(page)
    finally:
        await context.close()


async def test_staff_account_gets_the_forbidden_page(browser: Browser, server: ServerProcess) -> None:
    name = create_staff(server, unique("s"), role="supervisor")
    context, page = await new_console(browser, DESKTOP, lang="fi")
    try:
        await page.goto(server.base_url + "/console/")
        await page.locator("#login-username").fill(name)
        await page.locator("#login-password").fill(PASSWORD)
        await page.locator("#login-submit").click()
        await expect(page.locator("#app-view")).to_be_visible()
        response = await page.goto(server.base_url + "/console/editor")
        assert response is not None and response.status == 403
        await expect(page.locator("body")).to_contain_text("sisällön muokkaajille")
    finally:
        await context.close()
