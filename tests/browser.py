"""Debian's Chromium for the browser tests (never a downloaded browser)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from typing import Any


@contextlib.asynccontextmanager
async def launch_chromium() -> AsyncIterator[Any]:
    """Debian's Chromium through Playwright, with the flags the CI machine needs."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield browser
        finally:
            await browser.close()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("chromium is not installed: run `make test` (it installs Debian's "
                           "chromium) or `apt-get install chromium`")
    return path
