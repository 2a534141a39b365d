"""The whole conversation with the keyboard only, from opening the launcher to closing the
panel, with a visible focus indicator on every stop."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Frame, Page, expect

from tests.clients import StaffClient
from tests.processes import ServerProcess, create_staff
from tests.widget.widget_helpers import (
    chat_frame,
    launcher,
    messages,
    open_host_page,
    stored_chat,
)

# Where focus is: "launcher" (in the loader's shadow root), "frame:<id or tag>" or "page:<tag>".
WHERE = """() => {
  const host = document.querySelector('.neuvo-widget');
  if (document.activeElement !== host) return 'page:' + (document.activeElement || {}).tagName;
  const inner = host.shadowRoot.activeElement;
  return inner && inner.tagName === 'IFRAME' ? 'frame' : 'launcher';
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {id: el.id, tag: el.tagName, type: el.type || '', text: (el.textContent || '').trim(),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""
LAUNCHER_FOCUS = """() => {
  const el = document.querySelector('.neuvo-widget').shadowRoot.activeElement;
  const s = getComputedStyle(el);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
}"""


async def focused(frame: Frame) -> dict[str, Any] | None:
    element: dict[str, Any] | None = await frame.evaluate(FOCUSED)
    return element


async def tab_until(page: Page, frame: Frame, want: str, back: bool = False,
                    limit: int = 20) -> dict[str, Any]:
    """Press (Shift+)Tab until the frame's focused element has id/text `want`; every stop
    on the way inside the frame must show a focus outline."""
    for _ in range(limit):
        await page.keyboard.press("Shift+Tab" if back else "Tab")
        where = await page.evaluate(WHERE)
        if where != "frame":
            continue
        info = await focused(frame)
        if info is None:
            continue
        assert info["outline"], f"no visible focus on {info}"
        if want in (info["id"], info["text"]):
            return info
    raise AssertionError(f"could not reach {want!r} with the keyboard")


async def test_keyboard_only_conversation(page: Page, server: ServerProcess) -> None:
    create_staff(server, "anna", display_name="Anna")
    staff = await StaffClient.start(server, "anna")
    await open_host_page(page, server, lang="en")

    # Tab through the county page to the launcher; its focus is visible.
    for _ in range(5):
        await page.keyboard.press("Tab")
        if await page.evaluate(WHERE) == "launcher":
            break
    assert await page.evaluate(WHERE) == "launcher"
    assert await page.evaluate(LAUNCHER_FOCUS)

    # Enter opens the chat and puts focus on its first action.
    await page.keyboard.press("Enter")
    frame = await chat_frame(page)
    await expect(frame.locator("#start")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(frame.locator("#text")).to_be_focused()
    await expect(messages(frame, "bot")).to_have_count(1)

    # Type and send with Enter; Shift+Enter makes a new line.
    await page.keyboard.type("First line")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("second line")
    await page.keyboard.press("Enter")
    await expect(messages(frame, "resident").first.locator(".msg__text")).to_have_text(
        "First line\nsecond line")
    await expect(messages(frame, "bot")).to_have_count(2)

    # The quick reply under the bot's answer, reached backwards from the message box.
    await tab_until(page, frame, "Talk to a person", back=True)
    await page.keyboard.press("Enter")
    await expect(frame.locator("#queue")).to_be_visible()
    await expect(frame.locator("#text")).to_be_focused()  # the buttons went, focus did not

    chat_id = (await stored_chat(frame))["chat_id"]
    await staff.accept(chat_id)
    await staff.say(chat_id, "Hello, this is Anna.")
    await expect(messages(frame, "staff")).to_have_count(1)
    await page.keyboard.type("Hi Anna")
    await page.keyboard.press("Enter")
    await expect(messages(frame, "resident")).to_have_count(3)

    # End the chat: button, then the confirmation (Escape would cancel it).
    await tab_until(page, frame, "end")
    await page.keyboard.press("Enter")
    await expect(frame.locator("#end-no")).to_be_focused()  # the safe choice
    await page.keyboard.press("Escape")
    await expect(frame.locator("#confirm")).to_be_hidden()
    await expect(frame.locator("#end")).to_be_focused()
    # Two Enters do not end the chat: the second one cancels.
    await page.keyboard.press("Enter")
    await page.keyboard.press("Enter")
    await expect(frame.locator("#confirm")).to_be_hidden()
    await expect(frame.locator("#end")).to_be_focused()
    await expect(frame.locator("#closed-note")).to_be_hidden()
    await page.keyboard.press("Enter")
    await page.keyboard.press("Shift+Tab")
    await expect(frame.locator("#end-yes")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(frame.locator("#closed-note")).to_be_focused()

    # Feedback with the keyboard: radio group with arrows, comment, submit.
    await tab_until(page, frame, "")  # the first radio button has no id and no text
    info = await focused(frame)
    assert info and info["type"] == "radio"
    await page.keyboard.press("Space")
    for _ in range(3):
        await page.keyboard.press("ArrowRight")
    assert await frame.locator("#scores input:checked").get_attribute("value") == "4"
    await page.keyboard.press("Tab")
    await expect(frame.locator("#feedback-comment")).to_be_focused()
    await page.keyboard.type("Easy to use with a keyboard.")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(frame.locator("#thanks")).to_be_focused()

    # Escape closes the panel and returns focus to the launcher; Enter opens it again.
    await page.keyboard.press("Escape")
    await expect(launcher(page)).to_be_focused()
    await expect(page.locator(".neuvo-widget .neuvo__panel")).to_be_hidden()
    await page.keyboard.press("Enter")
    await expect(frame.locator("#save")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(launcher(page)).to_be_focused()
    await staff.close()
