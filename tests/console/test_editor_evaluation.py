"""The editor's evaluation in Chromium: one button trains and evaluates the draft in the
background with visible progress and shows it beside the published version; a change to a
safety intent is refused for publishing until a second editor approves it in their own
browser; a worse draft asks for confirmation. axe-core zero violations in fi/sv/en with the
results and the approval panel on screen. Screenshot (fi, 1280×720) with
NEUVO_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from tests.clients import unique
from tests.console.console_helpers import DESKTOP, TABLET_LANDSCAPE, new_console, no_js_errors, screenshot
from tests.console.test_editor_page import editor_login
from tests.editor.editor_helpers import api
from tests.processes import ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import axe_check

pytestmark = pytest.mark.timeout(900)
EVALUATED = {"fi": "Arvioitu", "sv": "Utvärderat", "en": "Evaluated"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"NEUVO_BOT": "embedded", "NEUVO_EDITOR_CV_FOLDS": "2"}
    with start_server(tmp_path_factory.mktemp("editor-eval"), env) as srv:
        yield srv


async def test_evaluate_in_the_background_and_see_it_beside_the_published_version(
        browser: Browser, server: ServerProcess) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, DESKTOP, lang="fi")
    try:
        await editor_login(page, server, name)
        await expect(page.locator("#evaluate-progress")).to_contain_text("ei ole vielä arvioitu")
        await page.locator("#evaluate-start").click()
        await expect(page.locator("#evaluate-bar")).to_be_visible()
        await expect(page.locator("#evaluate-start")).to_be_disabled()
        table = page.locator("#evaluate-result table").first
        await expect(table).to_be_visible(timeout=600_000)
        await expect(table).to_contain_text("Julkaistu versio 1")
        await expect(table).to_contain_text("Turvallisuusviestit tunnistettu (SV)")
        await expect(page.locator("#evaluate-progress")).to_contain_text(name)
        row = page.locator("#intent-rows tr[data-intent='food_aid']")
        await page.reload()
        await expect(row.locator("td").nth(2)).to_contain_text("%")
        await axe_check(page, "evaluation results")
        await page.evaluate("document.querySelector('#evaluate').scrollIntoView()")
        await screenshot(page, "editor-evaluation-1280x720-fi")
        no_js_errors(page)
    finally:
        await context.close()


async def test_a_safety_change_waits_for_a_second_editor_in_the_browser(
        browser: Browser, server: ServerProcess) -> None:
    author = create_staff(server, unique("ed"), role="editor")
    reviewer = create_staff(server, unique("ed"), role="editor")
    async with api(server, author) as a:
        view = await a.ok("GET", "/api/v1/editor/intents/crime_victim")
        examples = {**view["examples"], "en": [*view["examples"]["en"], "someone stole my bag"]}
        await a.ok("PUT", "/api/v1/editor/intents/crime_victim",
                   {"revision": view["revision"], "examples": examples})
    first, page = await new_console(browser, DESKTOP, lang="fi")
    second, other = await new_console(browser, TABLET_LANDSCAPE, lang="sv")
    try:
        await editor_login(page, server, author)
        await expect(page.locator("#approval")).to_contain_text("crime_victim")
        await page.locator("#publish-note").fill("rikosuhri")
        await page.locator("#publish-button").click()
        await expect(page.locator("#publish-status")).to_contain_text("hyväksyä", timeout=180_000)

        await editor_login(other, server, reviewer)
        await expect(other.locator("#approval")).to_contain_text("crime_victim")
        await axe_check(other, "approval panel (sv)")
        await other.locator("#approve-button").click()
        await expect(other.locator("#approval")).to_contain_text(reviewer)
        await expect(other.locator("#approve-button")).to_have_count(0)

        await page.reload()
        await expect(page.locator("#approval")).to_contain_text(reviewer)
        await page.locator("#publish-note").fill("rikosuhri")
        await page.locator("#publish-button").click()
        await expect(page.locator("#publish-status")).to_contain_text("on julkaistu", timeout=180_000)
        errors = page.js_errors  # type: ignore[attr-defined]
        errors[:] = [e for e in errors if "status of 409" not in e]  # the refusal itself
        no_js_errors(page)
        no_js_errors(other)
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
async def test_evaluation_section_has_no_axe_violations(
        browser: Browser, server: ServerProcess, lang: str) -> None:
    name = create_staff(server, unique("ed"), role="editor")
    async with api(server, name) as a:
        latest = await a.ok("GET", "/api/v1/editor/evaluations/latest")
        if latest["evaluation"] is None:  # this test alone: evaluate first
            run = await a.ok("POST", "/api/v1/editor/evaluations", status=202)
            assert run["state"] == "running"
    context, page = await new_console(browser, DESKTOP, lang=lang)
    try:
        await editor_login(page, server, name)
        await expect(page.locator("#evaluate-progress")).to_contain_text(EVALUATED[lang],
                                                                         timeout=600_000)
        await page.locator("#evaluate details summary").first.click()
        await axe_check(page, f"evaluation section ({lang})")
        no_js_errors(page)
    finally:
        await context.close()
