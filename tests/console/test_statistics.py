"""The statistics page and the weekly digest in Chromium: charts and their tables render,
click-through opens the anonymised conversations behind a cell, axe-core finds nothing in
fi/sv/en, the CSP holds (no script errors), and staff/editor accounts get 403. Screenshots
go to server/console/screenshots/ with NEUVO_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from server.store.models_stats import StatsMessage
from tests.clients import unique
from tests.console.console_helpers import login, new_console, no_js_errors, screenshot
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server
from tests.stats.builder import insert, recent, rows, service_context, staffing_rows
from tests.widget.widget_helpers import axe_check

TODAY = datetime.now(UTC).astimezone(ZoneInfo("Europe/Helsinki")).date()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("console-stats")
    with start_server(tmp) as srv:
        chats = rows(recent(TODAY))
        messages = []
        for chat in chats:
            messages += [
                StatsMessage(chat_id=chat.chat_id, seq=1, author="resident",
                             text="Vuokra on rästissä, nimeni on <NAME>", intent="housing_advice",
                             created_at=chat.created_at),
                StatsMessage(chat_id=chat.chat_id, seq=2, author="bot",
                             text="Asumisneuvonta auttaa vuokrarästeissä.",
                             created_at=chat.created_at)]

        async def fill() -> None:
            async with service_context(srv.env["NEUVO_DATABASE_URL"], tmp) as ctx:
                await insert(ctx, chats, messages)
                async with ctx.db.write() as session:
                    session.add_all(staffing_rows(TODAY - timedelta(days=1)))

        asyncio.run(fill())
        yield srv


async def open_statistics(page: Page, server: ServerProcess, username: str) -> None:
    await login(page, server, username)
    await page.goto(server.base_url + "/console/statistics")
    await expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=15_000)


async def test_page_renders_charts_tables_and_click_through(browser: Browser,
                                                            server: ServerProcess) -> None:
    supervisor = create_staff(server, unique("v"), role="supervisor")
    context, page = await new_console(browser, lang="fi")
    await open_statistics(page, server, supervisor)
    assert await page.locator("canvas[role=img]").count() >= 6
    await expect(page.locator("#s-days table tbody tr")).to_have_count(28)
    heat_tables = page.locator("#s-heatmap table")
    await expect(heat_tables).to_have_count(2)  # chats, then workers on duty (demand/staffing)
    await expect(heat_tables.nth(0).locator("tbody tr")).to_have_count(7)
    await expect(heat_tables.nth(1).locator("tbody tr")).to_have_count(7)
    await expect(page.locator("#h-staffing")).to_have_text(
        "Työntekijöitä paikalla keskimäärin (viikonpäivä ja tunti)")
    monday = heat_tables.nth(1).locator("tbody tr").first
    await expect(monday.locator("td").nth(9)).to_have_text("3")  # Monday 9–10: three on duty
    await expect(monday.locator("td").nth(3)).to_have_text("0")  # Monday 3–4: nobody
    await expect(page.locator("#s-weekly table tbody tr")).to_have_count(9)
    await expect(page.locator("#s-summary .definition")).to_contain_text("100 %")
    await expect(page.locator("#s-municipality")).to_contain_text("<5")  # Kuortane
    await screenshot(page, "statistics")
    await page.screenshot(path=str(screenshot_path("statistics-full")), full_page=True)
    for section in ("summary", "days", "heatmap", "wait", "topic", "feedback"):
        await page.locator(f"#s-{section}").screenshot(
            path=str(screenshot_path(f"statistics-{section}")))
    # Click-through: the busiest day's chats, then one conversation.
    await page.locator("#s-days tbody .link-button").first.click()
    dialog = page.locator("#cell-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("#cell-status")).to_contain_text("keskustelua")
    await dialog.get_by_role("button", name="Avaa").first.click()
    await expect(dialog.locator(".stats-transcript")).to_contain_text("<NAME>")
    await expect(dialog.locator("h3")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    # The CSV link carries the filter and the separator.
    href = await page.locator("#s-days a[download]").get_attribute("href")
    assert href and "sep=semicolon" in href and "from=" in href
    no_js_errors(page)
    await context.close()


def screenshot_path(name: str):  # type: ignore[no-untyped-def]
    from tests.console.console_helpers import ARTIFACTS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_axe_clean(browser: Browser, server: ServerProcess, lang: str) -> None:
    supervisor = create_staff(server, unique("v"), role="supervisor")
    context, page = await new_console(browser, lang=lang)
    await open_statistics(page, server, supervisor)
    await axe_check(page, f"statistics ({lang})")
    await page.locator("#s-heatmap tbody .link-button").first.click()
    await expect(page.locator("#cell-dialog tbody tr").first).to_be_visible()
    await axe_check(page, f"statistics click-through ({lang})")
    await page.goto(server.base_url + "/console/statistics/digest")
    await expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=15_000)
    await expect(page.locator("#digest-body table")).to_have_count(3)
    await axe_check(page, f"digest ({lang})")
    if lang == "fi":
        await screenshot(page, "statistics-digest")
    no_js_errors(page)
    await context.close()


async def test_keyboard_filters(browser: Browser, server: ServerProcess) -> None:
    supervisor = create_staff(server, unique("v"), role="supervisor")
    context, page = await new_console(browser, lang="en")
    await open_statistics(page, server, supervisor)
    await page.locator("#f-lang").focus()
    await page.keyboard.press("ArrowDown")  # English... the first option after "All"
    await page.locator("#f-lang").select_option("sv")
    await page.locator("#f-municipality").focus()
    await page.keyboard.press("Enter")  # submits the form
    await expect(page.locator("#stats-status")).to_contain_text("For")
    chats = await page.locator("#s-summary dd").first.text_content()
    assert chats is not None
    no_js_errors(page)
    await context.close()


def test_roles(server: ServerProcess) -> None:
    for role in ("staff", "editor"):
        username = create_staff(server, unique(role[0]), role=role)
        with httpx.Client(base_url=server.base_url) as http:
            http.post("/api/v1/staff/login", json={"username": username, "password": PASSWORD})
            for path in ("/console/statistics", "/console/statistics/digest",
                         "/console/statistics.html", "/console/digest.html"):
                assert http.get(path).status_code == 403, (role, path)
    assert httpx.get(server.base_url + "/console/statistics",
                     follow_redirects=False).status_code == 303
