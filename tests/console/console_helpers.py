"""Driving the staff console in a browser: log in, wait for the socket, residents in the
queue, axe checks and screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.clients import Resident
from tests.processes import PASSWORD, ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "server" / "console" / "screenshots"
ARTIFACTS = ROOT / "test-artifacts" / "console"
DESKTOP = ViewportSize(width=1280, height=720)
TABLET_LANDSCAPE = ViewportSize(width=1024, height=768)
TABLET_PORTRAIT = ViewportSize(width=768, height=1024)


async def new_console(browser: Browser, viewport: ViewportSize | None = None,
                      lang: str = "fi", locale: str | None = None) -> tuple[BrowserContext, Page]:
    """A browser context (own cookies) with the UI language preset; JS errors collected.
    `locale` is the browser's own locale (time and date field formats)."""
    context = await browser.new_context(viewport=viewport or DESKTOP, accept_downloads=True,
                                        locale=locale)
    await context.add_init_script(f"localStorage.setItem('neuvo.console.lang', '{lang}')")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]
    return context, page


async def login(page: Page, server: ServerProcess, username: str,
                password: str = PASSWORD) -> None:
    await page.goto(server.base_url + "/console/")
    await expect(page.locator("#login-username")).to_be_visible()
    await page.locator("#login-username").fill(username)
    await page.locator("#login-password").fill(password)
    await page.locator("#login-submit").click()
    await expect(page.locator("#app-view")).to_be_visible()
    await expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=10_000)


async def queued_resident(server: ServerProcess, text: str = "Tarvitsen apua vuokran kanssa",
                          lang: str = "fi", **body: Any) -> Resident:
    """A resident who started a chat over the protocol, wrote, and asked for a person."""
    resident = await Resident.start(server, lang=lang, **body)
    await resident.say(text)
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    return resident


def queue_item(page: Page, chat_id: str) -> Any:
    return page.locator(f"#queue-list li[data-key='{chat_id}']")


def active_panel(page: Page) -> Any:
    return page.locator("#panels section.chat:not([hidden])")


async def screenshot(page: Page, name: str) -> Path:
    """test-artifacts/console/ always; server/console/screenshots/ with
    NEUVO_UPDATE_SCREENSHOTS=1 (the committed copies shown in the README)."""
    folder = SCREENSHOTS if os.environ.get("NEUVO_UPDATE_SCREENSHOTS") == "1" else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path))
    return path


def no_js_errors(page: Page) -> None:
    """No script errors (network failures the browser logs while a server is down, and
    refused calls the page handles, are not script errors)."""
    expected = ("status of 401", "status of 403", "net::ERR_CONNECTION_REFUSED")
    errors = [e for e in page.js_errors  # type: ignore[attr-defined]
              if not any(x in e for x in expected)]
    assert errors == [], errors


# Records the staff socket's frames (window.__sent, window.__received) and lets a test hand
# the console a frame as if the server sent it (window.__inject), e.g. one the server does
# not send yet. Add before the page loads: `await context.add_init_script(RECORD_SOCKET)`.
RECORD_SOCKET = """(() => {
  const Native = window.WebSocket;
  window.__sent = [];
  window.__received = [];
  window.__sockets = [];
  class Recording extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
      this.addEventListener("message", (e) => {
        try { window.__received.push(JSON.parse(e.data)); } catch { /* not JSON */ }
      });
    }
    send(data) {
      try { window.__sent.push(JSON.parse(data)); } catch { /* not JSON */ }
      return super.send(data);
    }
  }
  window.WebSocket = Recording;
  window.__inject = (frame) => {
    const ws = window.__sockets[window.__sockets.length - 1];
    ws.onmessage({ data: JSON.stringify(frame) });
  };
})();"""


async def frames(page: Page, direction: str, type_: str) -> list[dict[str, Any]]:
    """Recorded frames of one type, `direction` "sent" or "received"."""
    return await page.evaluate(  # type: ignore[no-any-return]
        f"t => window.__{direction}.filter(f => f.type === t)", type_)


async def round_trip(page: Page) -> None:
    """Send a ping on the console's socket and wait for its pong: everything the server
    answered to earlier frames from this socket has arrived by then."""
    before = len(await frames(page, "received", "pong"))
    await page.evaluate("() => window.__sockets[window.__sockets.length - 1].send('{\"type\":\"ping\"}')")
    await page.wait_for_function(
        "n => window.__received.filter(f => f.type === 'pong').length > n", arg=before)
