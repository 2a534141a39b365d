"""The editor page's county facts, language versions and preview chat in Chromium (issue 12):
edit a fact (a bad phone number is refused in the UI language first), see an out-of-date
Swedish answer after the Finnish one changed and mark it checked, chat with the draft in
the preview (a reply button sends its payload); keyboard use; axe-core zero violations in
the three sections in fi, sv and en, at 1280×720 and at tablet width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.clients import unique
from tests.console.console_helpers import (
    DESKTOP,
    TABLET_PORTRAIT,
    new_console,
    no_js_errors,
    screenshot,
)
from tests.console.test_editor_page import editor_login
from tests.editor.editor_helpers import api
from tests.processes import ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import AXE_TAGS

pytestmark = pytest.mark.timeout(400)
SECTIONS = ["#facts", "#parity", "#preview"]
PHONE = "06 555 1234"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("editor-tools"), {"NEUVO_BOT": "embedded"}) as srv:
        yield srv


async def axe_sections(page: Page, label: str) -> None:
    """axe-core (WCAG 2.0/2.1 A and AA) on this module's three sections: zero violations."""
    results = await Axe().run(page, context={"include": [[s] for s in SECTIONS]}, options={
        "runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"axe violations in {label}:\n" + "\n".join(
        f"- {v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:5]]}" for v in violations)


@pytest.mark.parametrize(("lang", "viewport"), [("fi", DESKTOP), ("sv", TABLET_PORTRAIT),
                                                ("en", DESKTOP)])
async def test_the_three_sections_have_no_axe_violations(
        browser: Browser, server: ServerProcess, lang: str, viewport: ViewportSize) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, viewport, lang=lang)
    try:
        await editor_login(page, server, name)
        await expect(page.locator("#facts-title")).to_be_visible()
        await expect(page.locator("#fact-county_website")).to_be_visible()
        await expect(page.locator("#parity-table tr[data-intent='greet']")).to_be_visible()
        await expect(page.locator("#preview-title")).to_be_visible()
        await axe_sections(page, f"editor tools ({lang})")
        # the widest thing, the parity table, stays inside the page
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], width
        no_js_errors(page)
    finally:
        await context.close()


async def test_edit_a_fact_see_a_stale_cell_and_chat_in_the_preview(
        browser: Browser, server: ServerProcess) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, DESKTOP, lang="fi")
    try:
        await editor_login(page, server, name)
        # a fact: refused in Finnish first, then saved
        phone = page.locator("#fact-service_guidance_phone")
        await phone.fill("soita meille")
        await page.locator("#facts-form button[type='submit']").click()
        await expect(page.locator("#facts-error")).to_contain_text("puhelinnumerossa")
        await expect(phone).to_be_focused()
        await phone.fill(PHONE)
        await page.keyboard.press("Enter")
        await expect(page.locator("#facts-status")).to_contain_text("tallennettu")
        await expect(page.locator("[data-fact='service_guidance_phone']")).to_contain_text(
            "Tallennettu tällä sivulla")

        # the Finnish answer changes (another editor, over the API): Swedish is out of date
        async with api(server, name) as a:
            view = await a.ok("GET", "/api/v1/editor/intents/housing_advice")
            await a.ok("PUT", "/api/v1/editor/intents/housing_advice", {
                "revision": view["revision"],
                "responses": {"fi": [{"text": "Asumisneuvoja auttaa vuokra-asioissa: "
                                              "{service_guidance_phone}.", "buttons": []}]}})
        await page.locator("#parity-refresh").click()
        sv_cell = page.locator("#parity-table tr[data-intent='housing_advice'] td[data-lang='sv']")
        await expect(sv_cell).to_contain_text("vanhentunut")
        await sv_cell.get_by_role("button").click()
        await expect(sv_cell).to_contain_text("kunnossa")
        await expect(page.locator("#parity-status")).to_contain_text("merkitty tarkistetuksi")

        # the preview answers from the draft, with the new fact; keyboard only
        await page.locator("#preview-text").focus()
        await page.keyboard.type("tarvitsen asumisneuvontaa")
        await page.keyboard.press("Enter")
        log = page.locator("#preview-log")
        await expect(log.locator(".msg--bot")).to_contain_text(
            f"Asumisneuvoja auttaa vuokra-asioissa: {PHONE}.", timeout=180_000)
        await expect(log).to_contain_text("housing_advice")
        # outside opening hours in Swedish: the greeting's topic button sends its payload
        await page.locator("#preview-lang").select_option("sv")
        await page.locator("#preview-closed").check()
        await page.locator("#preview-start").click()
        first_button = log.locator(".msg--bot .chip").first
        await expect(first_button).to_be_enabled(timeout=60_000)
        await first_button.click()
        await expect(log.locator(".msg--resident")).to_have_count(1)
        await expect(log.locator(".msg--bot")).to_have_count(2, timeout=60_000)
        await axe_sections(page, "editor tools after use")
        for section in SECTIONS:  # test-artifacts/console/ (looked at; not committed)
            await page.locator(f"{section} h2").scroll_into_view_if_needed()
            await page.evaluate(f"document.querySelector('{section}').scrollIntoView()")
            await screenshot(page, f"editor-tools-{section[1:]}-1280x720-fi")
        no_js_errors(page)
    finally:
        await context.close()
