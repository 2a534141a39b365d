"""Driving the resident widget in a browser: the county page, the chat frame, axe checks."""

from __future__ import annotations

import html
import json
import os
import uuid
from pathlib import Path
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import FloatRect, Frame, Page, expect

from tests.processes import ServerProcess

# The county page is served by Playwright's router on its own origin. It must be a loopback
# name too: Chromium blocks a public page from loading scripts from 127.0.0.1 (Private
# Network Access), so "localhost" (≠ the server's 127.0.0.1 origin) plays the county.
HOST_PAGE = "http://localhost:{port}/county-page.html"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "widget" / "screenshots"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "widget"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def host_html(server_url: str, lang: str = "fi", **attrs: str) -> str:
    data = {"server": server_url, "lang": lang, **attrs}
    data_attrs = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in data.items())
    return f"""<!doctype html>
<html lang="fi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Esimerkkihyvinvointialue</title>
<style>
  /* Hostile host CSS: none of it may reach the widget. */
  * {{ font-family: "Comic Sans MS", cursive !important; color: #5a005a !important; }}
  button {{ display: none !important; }}
  iframe {{ border: 20px solid red !important; }}
</style></head>
<body><main><h1>Aikuissosiaalityö</h1><p>Esimerkkisivu.</p>
<p><a href="#top">Sivun alkuun</a></p></main>
<script src="{server_url}/widget/neuvo.js" {data_attrs} async></script>
</body></html>"""


async def open_host_page(page: Page, server: ServerProcess, lang: str = "fi",
                         **attrs: str) -> None:
    """Load the county page (its own origin) with the embed snippet pointing at `server`."""
    body = host_html(server.base_url, lang=lang, **attrs)

    async def fulfil(route: Any) -> None:
        await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    url = HOST_PAGE.format(port=server.port)
    await page.route(url, fulfil)
    await page.goto(url)
    await expect(launcher(page)).to_be_visible()


def launcher(page: Page) -> Any:
    return page.locator(".neuvo-widget .neuvo__launcher")


async def chat_frame(page: Page) -> Frame:
    """The chat UI frame, once it has loaded."""
    handle = await page.locator(".neuvo-widget iframe").element_handle(timeout=10_000)
    frame = await handle.content_frame()
    assert frame is not None
    await frame.wait_for_load_state()
    await expect(frame.locator("#title")).to_be_visible()
    return frame


async def open_chat(page: Page) -> Frame:
    await launcher(page).click()
    return await chat_frame(page)


async def start_chat(frame: Frame) -> None:
    await frame.locator("#start").click()
    await expect(frame.locator("#log li.msg--bot").first).to_be_visible(timeout=10_000)


async def store_kind(frame: Frame) -> str:
    """Where the frame keeps its state: "frame", "host" (the loader's storage) or "memory"."""
    return str(await frame.locator("body").get_attribute("data-store"))


async def stored_chat(frame: Frame) -> dict[str, Any]:
    """The chat state as persisted for a reload (wherever the browser let the frame keep it)."""
    if await store_kind(frame) == "frame":
        raw = await frame.evaluate("sessionStorage.getItem('neuvo.chat.v1')")
    else:
        values = await frame.page.evaluate("JSON.parse(sessionStorage.getItem('neuvo.frame'))")
        raw = values.get("neuvo.chat.v1")
    assert raw, "no chat stored"
    chat: dict[str, Any] = json.loads(raw)
    return chat


async def send(frame: Frame, text: str) -> None:
    await frame.locator("#text").fill(text)
    await frame.locator("#send").click()


def messages(frame: Frame, author: str | None = None) -> Any:
    return frame.locator(f"#log li.msg--{author}" if author else "#log li.msg")


async def expect_state(frame: Frame, text_fragment: str) -> None:
    await expect(frame.locator("#log")).to_contain_text(text_fragment)


async def axe_check(target: Page | Frame, label: str) -> None:
    """axe-core, WCAG 2.0/2.1 A and AA: zero violations (page or frame)."""
    # The county page is checked without descending into the chat frame (the frame gets
    # its own run, with axe injected into it).
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"],
               "iframes": False}
    results = await _axe.run(target, options=options)
    violations = results.response["violations"]
    if violations:
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    "
            + "\n    ".join(str(n["target"]) + " " + n.get("failureSummary", "").replace("\n", " ")
                             for n in v["nodes"][:5])
            for v in violations)
        raise AssertionError(f"axe violations in {label}:\n{report}")


# Called once per animation frame: true once the scroll positions of the chat log's box
# (#main in widget/chat.html) and of the page have stayed the same for three frames running,
# so no smooth scroll is moving any more. `key` keeps each wait's own count.
SCROLL_STILL = """key => {
  const tops = [document.getElementById("main"), document.scrollingElement]
    .map(box => box ? box.scrollTop : -1).join(",");
  const waits = (window.__neuvoScrollStill ??= new Map());
  const seen = waits.get(key);
  if (!seen || seen.tops !== tops) { waits.set(key, {tops, frames: 0}); return false; }
  seen.frames += 1;
  return seen.frames >= 3;
}"""


async def scrolling_settled(target: Page | Frame) -> None:
    """Wait until nothing scrolls in `target` (a page: in each of its frames)."""
    for frame in target.frames if isinstance(target, Page) else [target]:
        if not frame.is_detached():
            await frame.wait_for_function(SCROLL_STILL, arg=uuid.uuid4().hex, polling="raf",
                                          timeout=5_000)


async def screenshot(page: Page, name: str) -> Path:
    """Save to test-artifacts/widget/; with NEUVO_UPDATE_SCREENSHOTS=1 also refresh the
    committed copies in widget/screenshots/ (shown in the README)."""
    await scrolling_settled(page)  # the log's smooth scroll has reached the end
    folder = SCREENSHOTS if os.environ.get("NEUVO_UPDATE_SCREENSHOTS") == "1" else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    size = page.viewport_size
    if size and size["width"] > 800:  # desktop: only the corner with the widget
        clip = FloatRect(x=size["width"] - 440, y=0, width=440, height=size["height"])
        await page.screenshot(path=str(path), clip=clip)
    else:
        await page.screenshot(path=str(path))
    return path
