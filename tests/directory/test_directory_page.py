"""The service directory page (/console/directory) in Chromium: axe-core zero violations on
the page and the dialog in fi/sv/en (desktop 1280×720 and tablet), markup in a point's name
shown as text and never run, add / edit / delete with the keyboard, a conflict shown with
the other person's version, a CSV import refused with line numbers and one that succeeds.
Screenshot (fi, 1280×720) with NEUVO_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser import launch_chromium
from tests.clients import unique
from tests.console.console_helpers import DESKTOP, TABLET_PORTRAIT, new_console, screenshot
from tests.directory.helpers import XSS, api_point
from tests.editor.editor_helpers import api
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import axe_check

pytestmark = pytest.mark.timeout(400)
P = "/api/v1/directory"
TITLE = {"fi": "Alueen palvelupaikat", "sv": "Områdets serviceställen",
         "en": "The county's service points"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("directory-page"), {}) as srv:
        yield srv


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with launch_chromium() as launched:
        yield launched


@pytest.fixture
async def seeded(server: ServerProcess) -> str:
    """A supervisor, and four points (once per server)."""
    name = create_staff(server, unique("sup"), role="supervisor")
    async with api(server, name) as a:
        if not (await a.ok("GET", f"{P}/points"))["items"]:
            for body in (
                    api_point(),
                    api_point(type="health_station", address="Koulukatu 1, 60100 Seinäjoki",
                              name={"fi": "Seinäjoen terveysasema", "sv": "Seinäjoki hälsostation"},
                              hours={"fi": "ma–pe 8–16", "sv": "mån–fre 8–16"},
                              phone="06 415 4111", web="https://www.example.fi/terveysasema"),
                    api_point(type="food_aid", municipality="Kemi", address="Valtakatu 12, Kemi",
                              name={"fi": "Kemin seurakunnan ruoka-apu"},
                              hours={"fi": "ti ja to 10–12"}, phone="", web="",
                              languages=["fi"]),
                    api_point(type="health_station", municipality="Vaasa",
                              address="Hietasaarenkatu 6, Vaasa",
                              name={"fi": "Vaasan terveysasema", "sv": "Vasa hälsostation"},
                              hours={"fi": "ma–pe 8–15", "sv": "mån–fre 8–15"},
                              phone="06 218 1111", web="https://www.example.fi/vaasa",
                              languages=["fi", "sv", "en"])):
                await a.ok("POST", f"{P}/points", body, status=201)
    return name


async def with_markup(server: ServerProcess, username: str) -> None:
    """A point whose name is markup (once per server)."""
    async with api(server, username) as a:
        if not (await a.ok("GET", f"{P}/points?municipality=Kauhava"))["items"]:
            await a.ok("POST", f"{P}/points", api_point(
                type="lahitori", municipality="Kauhava", name={"fi": XSS}), status=201)


async def open_page(page: Page, server: ServerProcess, username: str) -> None:
    response = await page.request.post(server.base_url + "/api/v1/staff/login",
                                       data={"username": username, "password": PASSWORD})
    assert response.ok, await response.text()
    await page.goto(server.base_url + "/console/directory")
    await expect(page.locator("#dir-rows tr").first).to_be_visible()


def no_script_errors(page: Page) -> None:
    """Refused calls the page shows (401/403/409/422) are not script errors."""
    expected = ("status of 401", "status of 403", "status of 409", "status of 422")
    errors = [e for e in page.js_errors  # type: ignore[attr-defined]
              if not any(x in e for x in expected)]
    assert errors == [], errors


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_page_and_dialog_have_no_axe_violations_and_markup_stays_text(
        browser: Browser, server: ServerProcess, seeded: str, lang: str) -> None:
    for viewport in (DESKTOP, TABLET_PORTRAIT):
        context, page = await new_console(browser, viewport, lang=lang)
        try:
            await open_page(page, server, seeded)
            await expect(page.locator("h2").first).to_have_text(TITLE[lang])
            if lang == "fi" and viewport == DESKTOP:
                await expect(page.locator("#dir-rows tr")).to_have_count(4)
                await screenshot(page, "directory-1280x720-fi")
            await with_markup(server, seeded)
            await page.reload()
            await expect(page.locator("#dir-rows")).to_contain_text("<img src=x")
            assert await page.evaluate("window.__xss") is None
            assert await page.locator("#dir-rows img, #dir-rows script").count() == 0
            await axe_check(page, f"directory page ({lang}, {viewport['width']})")
            await page.locator("#dir-add").click()
            await expect(page.locator("#point-dialog")).to_be_visible()
            await expect(page.locator("#p-name_fi")).to_be_focused()
            await axe_check(page, f"point dialog ({lang}, {viewport['width']})")
            await page.keyboard.press("Escape")
            await expect(page.locator("#point-dialog")).to_be_hidden()
            no_script_errors(page)
        finally:
            await context.close()


async def test_add_edit_conflict_and_delete(browser: Browser, server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, DESKTOP, lang="fi")
    try:
        await open_page(page, server, editor)
        await page.locator("#dir-add").focus()
        await page.keyboard.press("Enter")
        await page.locator("#p-name_fi").fill("Lapuan perhekeskus")
        await page.locator("#p-type").select_option("family_centre")
        await page.locator("#p-municipality").fill("Atlantis")
        await page.locator("#p-web").fill("https://lapua.example.fi")
        await page.locator("#p-name_fi").press("Enter")
        await expect(page.locator("#point-error")).to_contain_text("Kunta: tuntematon kunta")
        await expect(page.locator("#p-municipality")).to_have_attribute("aria-invalid", "true")
        await page.locator("#p-municipality").fill("Lappo")  # the Swedish name is fine
        await page.locator("#p-municipality").press("Enter")
        await expect(page.locator("#point-dialog")).to_be_hidden()
        row = page.locator("#dir-rows tr", has_text="Lapuan perhekeskus")
        await expect(row).to_contain_text("Lapua")
        # Someone else saves the same point while this page still has revision 1.
        async with api(server, editor) as a:
            point = next(p for p in (await a.ok("GET", f"{P}/points"))["items"]
                         if p["name"]["fi"] == "Lapuan perhekeskus")
            other = {"name": {"fi": "Lapuan perhekeskus (muutettu)"}, "type": "family_centre",
                     "municipality": "Lapua", "revision": 1}
            await a.ok("PUT", f"{P}/points/{point['id']}", other)
        await row.get_by_role("button", name="Muokkaa: Lapuan perhekeskus").click()
        await page.locator("#p-phone").fill("06 433 1234")
        await page.locator("#p-phone").press("Enter")
        await expect(page.locator("#point-error")).to_contain_text("muutti tätä paikkaa")
        await expect(page.locator("#p-name_fi")).to_have_value("Lapuan perhekeskus (muutettu)")
        await page.locator("#p-phone").fill("06 433 1234")
        await page.locator("#p-phone").press("Enter")
        await expect(page.locator("#point-dialog")).to_be_hidden()
        changed = page.locator("#dir-rows tr", has_text="(muutettu)")
        await expect(changed).to_contain_text("06 433 1234")
        await changed.get_by_role("button", name="Poista: Lapuan perhekeskus (muutettu)").click()
        await expect(page.locator("#confirm-no")).to_be_focused()
        await page.locator("#confirm-yes").click()
        await expect(page.locator("#dir-rows tr", has_text="(muutettu)")).to_have_count(0)
        no_script_errors(page)
    finally:
        await context.close()


async def test_csv_import_refusal_shows_line_numbers(browser: Browser, server: ServerProcess,
                                                     tmp_path: Path) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    bad = tmp_path / "bad.csv"
    bad.write_text("type;municipality;name_fi\nlahitori;Kauhava;Kauhavan lähitori\n"
                   "lahitori;Atlantis;X\nspaceport;Kauhava;Y\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("\ufefftype;municipality;name_fi\nlahitori;Kauhava;Kauhavan lähitori\n",
                    encoding="utf-8")
    context, page = await new_console(browser, DESKTOP, lang="en")
    try:
        await open_page(page, server, editor)
        await page.locator("#import-file").set_input_files(str(bad))
        await page.get_by_role("button", name="Import", exact=True).click()
        errors = page.locator("#import-errors li")
        await expect(errors).to_have_count(2)
        await expect(errors.nth(0)).to_have_text("Line 3: Municipality: unknown municipality")
        await expect(errors.nth(1)).to_have_text("Line 4: Service: unknown service")
        await expect(page.locator("#dir-rows")).not_to_contain_text("Kauhavan lähitori")
        await page.locator("#import-file").set_input_files(str(good))
        await page.get_by_role("button", name="Import", exact=True).click()
        await expect(page.locator("#import-status")).to_have_text(
            "Imported: 1 new, 0 updated, 0 deleted.")
        await expect(page.locator("#import-errors li")).to_have_count(0)
        await expect(page.locator("#dir-rows")).to_contain_text("Kauhavan lähitori")
        async with page.expect_download() as download:
            await page.locator("#dir-export").click()
        saved = tmp_path / "export.csv"
        await (await download.value).save_as(saved)
        assert "Kauhavan lähitori" in saved.read_text(encoding="utf-8-sig")
        no_script_errors(page)
    finally:
        await context.close()
