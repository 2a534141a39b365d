"""Fixtures for the widget's browser tests: a real server, Debian's Chromium, a county page.

The county page lives on its own origin (http://county.example, served by Playwright's
router), so the loader, the shadow-DOM launcher and the cross-origin chat frame run exactly
as they do on a county's web site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.browser import launch_chromium
from tests.processes import ServerProcess, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with start_server(tmp_path) as srv:
        yield srv


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with launch_chromium() as launched:
        yield launched


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    # The county page (localhost) loads the widget from the server (127.0.0.1): Chromium's
    # Local Network Access asks the user for that; in production both are public origins.
    context = await browser.new_context(viewport={"width": 1024, "height": 800},
                                        accept_downloads=True,
                                        permissions=["local-network-access"])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        await context.close()

