"""The chat page on its own (a county may link to it instead of embedding), the service
status shown before the chat, and the small pure functions of the frame's modules."""

from __future__ import annotations

import json

from playwright.async_api import Page, expect

from tests.processes import ServerProcess
from tests.widget.widget_helpers import messages, send, start_chat, store_kind, stored_chat


async def open_standalone(page: Page, server: ServerProcess, lang: str = "fi") -> None:
    await page.goto(f"{server.base_url}/widget/chat.html?lang={lang}")
    await expect(page.locator("#start")).to_be_visible()


async def test_standalone_page_keeps_the_chat_over_a_reload(page: Page,
                                                            server: ServerProcess) -> None:
    await open_standalone(page, server)
    frame = page.main_frame
    assert await store_kind(frame) == "frame"  # first-party: its own sessionStorage
    await expect(page.locator("#minimize")).to_be_hidden()  # nothing to close it into
    await start_chat(frame)
    await send(frame, "Hei, jatkuuko tämä?")
    await expect(messages(frame, "bot")).to_have_count(2)
    before = await stored_chat(frame)

    await page.reload()
    await expect(messages(frame)).to_have_count(3)
    await expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    after = await stored_chat(frame)
    assert after["chat_id"] == before["chat_id"]
    assert after["last_seq"] == before["last_seq"] == 3
    await send(frame, "Jatkuu.")
    await expect(messages(frame, "bot")).to_have_count(3)
    assert page.js_errors == []  # type: ignore[attr-defined]


async def test_service_status_and_announcement_are_shown_as_text(page: Page,
                                                                 server: ServerProcess) -> None:
    status = {"open_now": False, "staff_on_duty": 0, "hours_text": "ma–pe 8–16",
              "announcement": "<b>Huom!</b> Chat on suljettu 24.12."}

    async def fake_status(route):  # type: ignore[no-untyped-def]
        assert "lang=fi" in route.request.url
        await route.fulfill(status=200, content_type="application/json", body=json.dumps(status))

    await page.route("**/api/v1/service/status*", fake_status)
    await open_standalone(page, server)
    await expect(page.locator("#service-status")).to_have_text(
        "Työntekijät eivät ole nyt paikalla. Botti vastaa aina.")
    await expect(page.locator("#service-hours")).to_have_text("Työntekijät ovat paikalla: ma–pe 8–16")
    await expect(page.locator("#announcement-text")).to_have_text(str(status["announcement"]))
    assert await page.locator("#announcement b").count() == 0


async def test_service_status_from_the_real_server(page: Page, server: ServerProcess) -> None:
    await open_standalone(page, server, lang="sv")
    # Open (hours "always") but nobody logged in: said honestly, never "everyone is busy".
    await expect(page.locator("#service-status")).to_contain_text("Just nu finns ingen medarbetare")
    await expect(page.locator("#service-hours")).to_contain_text("dygnet runt")
    await expect(page.locator("#announcement")).to_be_hidden()


async def test_pure_functions(page: Page, server: ServerProcess) -> None:
    await open_standalone(page, server)
    result = await page.evaluate("""async () => {
        const client = await import('./reconnect.js');
        const render = await import('./render.js');
        const theme = await import('./theme.js');
        const delays = [0, 1, 5, 20].map((n) => [client.backoffDelay(n, () => 0),
                                                  client.backoffDelay(n, () => 1)]);
        const ids = new Set(Array.from({length: 100}, () => client.newMessageId()));
        const consoleCap = client.backoffDelay(20, () => 1, 15000);
        const keepalive = [10000, 25000, 60001].map((now) => client.keepaliveAction(0, now));
        const colours = ['#ffd700', '#ffffff', '#005eb8', '#7fbfff'].map((c) => theme.themeFor(c));
        const ratios = colours.map((t) => [
            theme.contrast(...[t['--accent'], t['--on-accent']].map(hex)),
            theme.contrast(...[t['--accent-strong'], '#ffffff'].map(hex))]);
        function hex(h) { return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)); }
        return {
            delays, consoleCap, keepalive, unique: ids.size, idShape: /^[0-9a-f]{32}$/.test([...ids][0]),
            urls: ['https://a.fi/x', 'http://b.fi', 'javascript:alert(1)', 'data:text/html,x',
                   'ftp://c.fi'].map(render.safeHttpUrl),
            ws: [client.socketUrl('http://h:1/ws/v1/resident'),
                 client.socketUrl('https://h/ws/v1/resident'),
                 client.socketUrl('/ws/v1/resident', 'https://n.fi/widget/chat.html')],
            ratios, bad: theme.themeFor('red; background: url(x)'),
        };
    }""")
    # Equal jitter: between half and all of min(30 s, 0.5 s * 2^n).
    assert result["delays"] == [[250, 500], [500, 1000], [8000, 16000], [15000, 30000]]
    assert result["consoleCap"] == 15000  # the console caps at 15 s
    assert result["keepalive"] == [None, "ping", "close"]
    assert result["unique"] == 100 and result["idShape"]
    assert result["urls"] == ["https://a.fi/x", "http://b.fi/", None, None, None]
    assert result["ws"] == ["ws://h:1/ws/v1/resident", "wss://h/ws/v1/resident",
                            "wss://n.fi/ws/v1/resident"]
    assert all(on >= 4.5 and strong >= 4.5 for on, strong in result["ratios"]), result["ratios"]
    assert result["bad"] is None
