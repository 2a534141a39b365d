"""The inbox of unrecognised questions on the editor page, in Chromium: residents' messages
the bot did not understand (the minimal bot answers every message with a fallback) arrive
grouped; an editor adds a group of paraphrases to an intent (the examples land in the
draft) and dismisses another group, with the keyboard where it matters; axe-core finds
zero violations in the inbox section (groups, an opened list of questions, the new-intent
form) in fi, sv and en, at 1280×720 and at tablet width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.clients import Resident, unique
from tests.console.console_helpers import DESKTOP, TABLET_PORTRAIT, new_console, no_js_errors, screenshot
from tests.editor.editor_helpers import api
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server
from tests.waiting import eventually
from tests.widget.widget_helpers import AXE_TAGS, _axe

pytestmark = pytest.mark.timeout(400)

HOUSING = ["miten haen asumistukea", "miten voin hakea asumistukea?", "kuinka haetaan asumistukea"]
OTHER = "paljonko maksaa koiran rokotus"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("editor-inbox"), {"NEUVO_BOT": "minimal"}) as srv:
        yield srv


async def ask(server: ServerProcess, texts: list[str]) -> None:
    """Residents write; wait until the editor API lists every text (anonymised, in the
    background after the bot's answer)."""
    for text in texts:
        resident = await Resident.start(server, "fi")
        ack = await resident.say(text)
        await resident.expect("message.created", seq=ack["seq"] + 1, timeout=20)
        await resident.close()
    editor = create_staff(server, unique("seed"), role="editor")
    async with api(server, editor) as a:
        async def listed() -> bool:
            items = (await a.ok("GET", "/api/v1/editor/inbox?limit=200"))["items"]
            return set(texts) <= {i["text"] for i in items}

        await eventually(listed, timeout=90, step=0.2)


async def open_inbox(page: Page, server: ServerProcess, username: str) -> None:
    await page.goto(server.base_url + "/console/")
    await page.locator("#login-username").fill(username)
    await page.locator("#login-password").fill(PASSWORD)
    await page.locator("#login-submit").click()
    await page.wait_for_url("**/console/editor")
    await expect(page.locator("#inbox-title")).to_be_visible()


async def axe_inbox(page: Page, label: str) -> None:
    results = await _axe.run(page, context={"include": [["#inbox"]]}, options={
        "runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"axe violations in {label}: " + "; ".join(
        f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in violations)


async def test_an_editor_adds_a_group_to_an_intent_and_dismisses_another(
        browser: Browser, server: ServerProcess) -> None:
    await ask(server, [*HOUSING, OTHER])
    name = create_staff(server, unique("ed"), role="editor")
    context, page = await new_console(browser, DESKTOP, lang="fi")
    try:
        await open_inbox(page, server, name)
        housing = page.locator("#ib-groups > li").filter(has_text=HOUSING[0]).filter(
            has_text="3 kysymystä")
        await expect(housing).to_be_visible(timeout=20_000)
        await expect(housing).to_contain_text("ei tunnistanut")
        await page.locator("#inbox").scroll_into_view_if_needed()
        await screenshot(page, "editor-inbox-1280x720-fi")
        # keyboard: choose the intent in the group's list, then the add-all button
        select = housing.locator("select")
        await select.focus()
        await select.select_option("housing_advice")
        await page.keyboard.press("Tab")
        await expect(housing.get_by_role("button", name="Lisää kaikki (3)")).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(page.locator("#ib-status")).to_contain_text(
            "Lisätty aiheeseen housing_advice: 3 esimerkkiä")
        await expect(housing).to_have_count(0)
        async with api(server, name) as a:
            view = await a.ok("GET", "/api/v1/editor/intents/housing_advice")
            assert set(HOUSING) <= set(view["examples"]["fi"])
            history = await a.ok("GET", "/api/v1/editor/history?intent=housing_advice")
            assert history["items"][0]["by"] == name
            assert "from the inbox" in history["items"][0]["summary"]

        other = page.locator("#ib-groups > li").filter(has_text=OTHER)
        await other.get_by_role("button", name="Hylkää kaikki (1)").click()
        await expect(page.locator("#confirm-dialog")).to_be_visible()
        await page.locator("#confirm-yes").click()
        await expect(page.locator("#ib-status")).to_contain_text("Hylätty: 1 kysymystä")
        await expect(other).to_have_count(0)
        # the dismissed one is under "Hylätyt"
        await page.locator("#ib-state").select_option("dismissed")
        await page.get_by_role("button", name="Näytä", exact=True).click()
        await expect(page.locator("#ib-groups > li").filter(has_text=OTHER)).to_be_visible()
        no_js_errors(page)
    finally:
        await context.close()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_the_inbox_has_no_axe_violations(browser: Browser, server: ServerProcess,
                                               lang: str) -> None:
    # A fixed text per language: a random id in it could be masked by the anonymiser (a
    # long run of digits looks like a number) and then never be listed as written.
    text = "mikä on " + {"fi": "sieniretki", "sv": "kalastuslupa", "en": "uimahallin sauna"}[lang]
    await ask(server, [text])
    name = create_staff(server, unique("ed"), role="editor")
    viewport = TABLET_PORTRAIT if lang == "sv" else DESKTOP
    context, page = await new_console(browser, viewport, lang=lang)
    try:
        await open_inbox(page, server, name)
        group = page.locator("#ib-groups > li").filter(has_text=text)
        await expect(group).to_be_visible(timeout=20_000)
        await axe_inbox(page, f"inbox ({lang})")
        await group.locator("summary").click()
        row = group.locator("tbody tr").first
        await expect(row).to_be_visible()
        await row.get_by_role("button", name={"fi": "Uusi aihe", "sv": "Nytt ämne",
                                              "en": "New topic"}[lang]).click()
        name_field = row.locator("input")
        await expect(name_field).to_be_focused()
        await axe_inbox(page, f"inbox with a question list and the new-topic form ({lang})")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], "the inbox scrolls sideways"
        topic = unique("topic_")
        await name_field.fill(topic)
        await page.keyboard.press("Enter")
        await expect(page.locator("#ib-status")).to_contain_text(topic)
        no_js_errors(page)
    finally:
        await context.close()
