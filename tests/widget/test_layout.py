"""Reflow at 320 CSS px and at 200% zoom without horizontal scrolling, reduced motion,
and county colours that keep their contrast. Screenshots go to widget/screenshots/."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Frame, Page, ViewportSize, expect

from tests.processes import ServerProcess
from tests.widget.widget_helpers import (
    axe_check,
    messages,
    open_chat,
    open_host_page,
    screenshot,
    scrolling_settled,
    send,
    start_chat,
)

NO_HSCROLL = """() => {
  const d = document.documentElement;
  return {scroll: d.scrollWidth, client: d.clientWidth};
}"""
LONG_WORD = "Toimeentulotukihakemuksenkäsittelyaikaa" * 3 + " https://example.org/" + "x" * 120


async def assert_no_horizontal_scroll(target: Page | Frame) -> None:
    size = await target.evaluate(NO_HSCROLL)
    assert size["scroll"] <= size["client"], f"horizontal scrolling: {size}"


async def conversation(page: Page, server: ServerProcess) -> Frame:
    await open_host_page(page, server, lang="fi")
    frame = await open_chat(page)
    await assert_no_horizontal_scroll(frame)
    await start_chat(frame)
    await send(frame, LONG_WORD)
    await expect(messages(frame, "bot")).to_have_count(2)
    await frame.locator("#text").fill("Kirjoitan viestiä…")
    return frame


@pytest.mark.parametrize(("name", "viewport", "scale"), [
    ("narrow-320", {"width": 320, "height": 640}, 1),
    # Browser zoom 200% on a 1280×800 screen: the CSS viewport halves, pixels double.
    ("zoom-200", {"width": 640, "height": 400}, 2),
])
async def test_reflow_without_horizontal_scrolling(browser: Browser, server: ServerProcess,
                                                   name: str, viewport: ViewportSize, scale: int) -> None:
    context = await browser.new_context(viewport=viewport, device_scale_factor=scale,
                                        permissions=["local-network-access"])
    page = await context.new_page()
    try:
        frame = await conversation(page, server)
        # The panel fills the small viewport; nothing scrolls sideways, the composer is there.
        box = await page.locator(".neuvo-widget .neuvo__panel").bounding_box()
        assert box and box["width"] == viewport["width"]
        await assert_no_horizontal_scroll(frame)
        await assert_no_horizontal_scroll(page)
        await expect(frame.locator("#text")).to_be_visible()
        await expect(frame.locator("#send")).to_be_in_viewport()
        await axe_check(frame, name)
        await screenshot(page, name)
    finally:
        await context.close()


async def test_reduced_motion_is_respected(browser: Browser, server: ServerProcess) -> None:
    context = await browser.new_context(reduced_motion="reduce",
                                        permissions=["local-network-access"])
    page = await context.new_page()
    try:
        await open_host_page(page, server)
        frame = await open_chat(page)
        styles = await frame.evaluate("""() => ({
            scroll: getComputedStyle(document.querySelector('.main')).scrollBehavior,
            transition: getComputedStyle(document.querySelector('#start')).transitionDuration,
        })""")
        assert styles == {"scroll": "auto", "transition": "0s"}
        launcher = await page.evaluate("""() => getComputedStyle(document.querySelector(
            '.neuvo-widget').shadowRoot.querySelector('.neuvo__launcher')).transitionDuration""")
        assert launcher == "0s"
    finally:
        await context.close()


@pytest.mark.parametrize("color", ["#ffd700", "#7fbfff", "#003366"])
async def test_any_county_colour_keeps_contrast(page: Page, server: ServerProcess,
                                                color: str) -> None:
    await open_host_page(page, server, color=color)
    await axe_check(page, f"launcher in {color}")
    frame = await open_chat(page)
    await start_chat(frame)
    await axe_check(frame, f"chat in {color}")


LAST_VISIBLE = """() => {
  const main = document.getElementById("main");
  const items = document.querySelectorAll("#log li.msg");
  const last = items[items.length - 1].getBoundingClientRect();
  return {last: last.bottom, box: main.getBoundingClientRect().bottom};
}"""


async def test_newest_message_stays_in_view_when_the_queue_banner_appears(
        page: Page, server: ServerProcess) -> None:
    await open_host_page(page, server, lang="fi")
    frame = await open_chat(page)
    await start_chat(frame)
    for i in range(4):  # enough to fill the log, so it scrolls
        await send(frame, f"Kysymys numero {i}: miten haen apua vuokraan?")
        await expect(messages(frame, "bot")).to_have_count(i + 2)
    await frame.locator("#human").click()
    await expect(frame.locator("#queue")).to_be_visible()
    await expect(messages(frame, "system").last).to_be_visible()
    await scrolling_settled(frame)  # no scroll is still moving
    box = await frame.evaluate(LAST_VISIBLE)
    assert box["last"] <= box["box"] + 1, box
