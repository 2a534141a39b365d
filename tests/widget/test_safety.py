"""Messages are text, never HTML; links only for http(s); the chat page runs under a strict
Content-Security-Policy with no inline script or style."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.clients import StaffClient
from tests.processes import ServerProcess, create_staff
from tests.widget.widget_helpers import (
    messages,
    open_chat,
    open_host_page,
    send,
    start_chat,
    stored_chat,
)

WIDGET = Path(__file__).resolve().parents[2] / "widget"
PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    '"><svg onload=window.__xss=1>',
    "<b>not bold</b> &amp; &lt;",
    "javascript:window.__xss=1",
]


async def no_markup_ran(frame: Any) -> None:
    assert await frame.evaluate("window.__xss") is None
    assert await frame.locator("#log img, #log svg, #log script, #log b").count() == 0


async def test_payloads_from_resident_staff_and_bot_show_as_text(
        page: Page, server: ServerProcess) -> None:
    create_staff(server, "anna", display_name="<i>Anna</i>")
    staff = await StaffClient.start(server, "anna")

    # Bot frames are injected into the widget's own socket (the minimal bot never echoes).
    top_seq = 0
    routes: list[Any] = []

    async def route(ws: Any) -> None:
        upstream = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            nonlocal top_seq
            frame = json.loads(message)
            if frame.get("type") == "message.created":
                top_seq = max(top_seq, frame["seq"])
            ws.send(message)

        upstream.on_message(from_server)
        ws.on_message(lambda message: upstream.send(message))
        routes.append(ws)

    await page.context.route_web_socket(re.compile(r".*/ws/v1/resident$"), route)
    await open_host_page(page, server, lang="en")
    frame = await open_chat(page)
    await start_chat(frame)

    for text in PAYLOADS:
        await send(frame, text)
    mine = messages(frame, "resident")
    await expect(mine).to_have_count(len(PAYLOADS))
    for i, text in enumerate(PAYLOADS):
        await expect(mine.nth(i).locator(".msg__text")).to_have_text(text)

    await frame.locator("#human").click()
    chat_id = (await stored_chat(frame))["chat_id"]
    await staff.accept(chat_id)
    for text in PAYLOADS:
        await staff.say(chat_id, text)
    theirs = messages(frame, "staff")
    await expect(theirs).to_have_count(len(PAYLOADS))
    for i, text in enumerate(PAYLOADS):
        await expect(theirs.nth(i).locator(".msg__text")).to_have_text(text)
    await expect(theirs.first.locator(".msg__who")).to_have_text("<i>Anna</i>, staff member")

    routes[-1].send(json.dumps({
        "type": "message.created", "seq": top_seq + 1, "author": "bot",
        "text": PAYLOADS[0] + " see javascript:alert(1) and https://example.org/a?b=<c>",
        "created_at": "2025-01-01T10:00:00Z",
        "buttons": [{"title": PAYLOADS[2], "payload": "/x"},
                    {"title": "ok", "payload": "<img src=x onerror=window.__xss=1>"}],
    }))
    bot = messages(frame, "bot").last
    await expect(bot.locator(".msg__text")).to_contain_text(PAYLOADS[0] + " see javascript:")
    links = bot.locator("a")
    await expect(links).to_have_count(1)
    await expect(links).to_have_attribute("href", "https://example.org/a?b=")  # "<" ends a URL
    await expect(bot.locator(".msg__text")).to_contain_text("b=<c>")
    await expect(links).to_have_accessible_description("opens in a new window")
    await expect(bot.locator(".msg__buttons button").first).to_have_text(PAYLOADS[2])
    await bot.locator(".msg__buttons button").nth(1).click()
    await expect(messages(frame, "resident").last.locator(".msg__text")).to_have_text("ok")
    await no_markup_ran(frame)

    # Nothing in the log is a javascript: link.
    hrefs = await frame.locator("#log a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    await staff.close()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_widget_code_never_writes_html() -> None:
    banned = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function")
    for path in WIDGET.glob("*.js"):
        hits = banned.findall(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.name} uses {hits}"


class InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        self.problems += [f"{name}= on <{tag}>" for name in names
                          if name == "style" or name.startswith("on")]


def test_chat_page_has_no_inline_script_or_style_and_a_strict_csp(server: ServerProcess) -> None:
    finder = InlineFinder()
    finder.feed((WIDGET / "chat.html").read_text(encoding="utf-8"))
    assert finder.problems == []

    response = httpx.get(server.base_url + "/widget/chat.html?lang=fi")
    assert response.status_code == 200
    csp = {part.split()[0]: part.split()[1:] for part in
           response.headers["content-security-policy"].split(";") if part.strip()}
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
