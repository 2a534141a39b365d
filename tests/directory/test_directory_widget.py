"""The bot's directory answer in the resident's widget (Chromium, the county page on its own
origin with `data-municipality`): markup in a service point's name and address is shown as
text and never runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser import launch_chromium
from tests.clients import unique
from tests.directory.helpers import XSS, api_point
from tests.editor.editor_helpers import api
from tests.processes import ServerProcess, create_staff, start_server
from tests.widget.widget_helpers import messages, open_chat, open_host_page, send, start_chat

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("directory-widget"), {"NEUVO_BOT": "embedded"}) as srv:
        yield srv


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with launch_chromium() as browser:
        page = await _page(browser)
        yield page


async def _page(browser: Browser) -> Page:
    context = await browser.new_context(viewport={"width": 1024, "height": 800},
                                        permissions=["local-network-access"])
    return await context.new_page()


async def test_markup_in_a_directory_answer_is_text(server: ServerProcess, page: Page) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        await a.ok("POST", "/api/v1/directory/points", api_point(
            type="health_station", municipality="Kauhava", name={"fi": XSS},
            address='"><svg onload=window.__xss=3>'), status=201)
    await open_host_page(page, server, "fi", municipality="Kauhava")
    frame = await open_chat(page)
    await start_chat(frame)
    await send(frame, "missä on lähin terveysasema")
    answer = messages(frame, "bot").filter(has_text="onerror")
    await expect(answer).to_have_count(1, timeout=20_000)
    await expect(answer).to_contain_text(XSS)
    await expect(answer).to_contain_text('"><svg onload=window.__xss=3>')
    assert await frame.evaluate("window.__xss") is None
    assert await frame.locator("#log img, #log svg, #log script").count() == 0
