"""Console pages: role checks on the server (303 to the login page, 403 with an explanation),
login errors, CSRF refusal from the browser, the session-ended state, security headers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from playwright.async_api import Browser, expect

from tests.clients import unique
from tests.console.console_helpers import (
    active_panel,
    login,
    new_console,
    no_js_errors,
    queue_item,
    queued_resident,
)
from tests.processes import ServerProcess, create_staff, run_cli, start_server


def _login_cookie(server: ServerProcess, username: str) -> httpx.Cookies:
    response = httpx.post(server.base_url + "/api/v1/staff/login",
                          json={"username": username, "password": "correct-horse-battery"})
    response.raise_for_status()
    return response.cookies


def test_role_pages_are_checked_on_the_server(server: ServerProcess) -> None:
    staff = create_staff(server, unique("s"))
    supervisor = create_staff(server, unique("v"), role="supervisor")
    admin = create_staff(server, unique("a"), role="admin")
    for path in ("/console/supervisor", "/console/audit", "/console/supervisor.html",
                 "/console/audit.html"):
        anonymous = httpx.get(server.base_url + path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/"
        refused = httpx.get(server.base_url + path, cookies=_login_cookie(server, staff))
        assert refused.status_code == 403
        assert "vain" in refused.text and "only for" in refused.text and "endast" in refused.text
        assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    assert httpx.get(server.base_url + "/console/supervisor",
                     cookies=_login_cookie(server, supervisor)).status_code == 200
    assert httpx.get(server.base_url + "/console/audit",
                     cookies=_login_cookie(server, supervisor)).status_code == 403
    for path in ("/console/supervisor", "/console/audit"):
        page = httpx.get(server.base_url + path, cookies=_login_cookie(server, admin))
        assert page.status_code == 200 and "<script" in page.text
    console = httpx.get(server.base_url + "/console/")
    assert console.status_code == 200
    assert console.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in console.headers["content-security-policy"]
    assert "<script>" not in console.text and "style=" not in console.text


async def test_staff_account_is_refused_the_supervisor_page(browser: Browser,
                                                            server: ServerProcess) -> None:
    context, page = await new_console(browser, lang="en")
    await login(page, server, create_staff(server, unique("s")))
    await expect(page.locator("#link-supervisor")).to_be_hidden()
    response = await page.goto(server.base_url + "/console/supervisor")
    assert response is not None and response.status == 403
    await expect(page.locator("h2").first).to_have_text("Ei käyttöoikeutta")
    await page.get_by_role("link", name="Back to the console").click()
    await expect(page.locator("#app-view")).to_be_visible()
    await context.close()


async def test_login_errors_and_csrf(browser: Browser, server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await page.goto(server.base_url + "/console/")
    await page.locator("#login-submit").click()
    await expect(page.locator("#login-error")).to_have_text("Kirjoita käyttäjätunnus ja salasana.")
    await page.locator("#login-username").fill(username)
    await page.locator("#login-password").fill("wrong-password-123")
    await page.locator("#login-submit").click()
    await expect(page.locator("#login-error")).to_have_text("Käyttäjätunnus tai salasana on väärin.")
    await expect(page.locator("#login-password")).to_be_focused()

    await login(page, server, username)
    # A state-changing call without the X-CSRF-Token header is refused, with it accepted.
    result = await page.evaluate("""async () => {
        const body = JSON.stringify({display_name: "Hacked"});
        const bare = await fetch("/api/v1/staff/me", {method: "PATCH", body,
            headers: {"content-type": "application/json"}});
        const me = await (await fetch("/api/v1/staff/me")).json();
        const good = await fetch("/api/v1/staff/me", {method: "PATCH",
            body: JSON.stringify({display_name: "Aino"}),
            headers: {"content-type": "application/json", "x-csrf-token": me.csrf_token}});
        return [bare.status, (await bare.json()).error, good.status, me.display_name];
    }""")
    assert result == [403, "forbidden", 200, "Sosiaaliohjaaja"]
    no_js_errors(page)
    await context.close()


async def test_lockout_message(browser: Browser, tmp_path: Path) -> None:
    # A server of its own that locks an account after two failures.
    with start_server(tmp_path, {"NEUVO_LOGIN_FAILURES_PER_15MIN": "2"}) as strict:
        username = create_staff(strict, unique("s"))
        context, page = await new_console(browser, lang="sv")
        await page.goto(strict.base_url + "/console/")
        await page.locator("#login-username").fill(username)
        for _ in range(2):
            await page.locator("#login-password").fill("wrong-password-1")
            await page.locator("#login-submit").click()
            await expect(page.locator("#login-error")).to_have_text("Fel användarnamn eller lösenord.")
            await page.locator("#login-error").evaluate("el => el.textContent = ''")
        await page.locator("#login-password").fill("correct-horse-battery")
        await page.locator("#login-submit").click()
        await expect(page.locator("#login-error")).to_contain_text("För många misslyckade försök")
        await expect(page.locator("#app-view")).to_be_hidden()
        await context.close()


async def test_deactivation_ends_the_console_session(browser: Browser,
                                                      server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    context, page = await new_console(browser)
    await login(page, server, username)
    result = await asyncio.to_thread(run_cli, ["staff", "deactivate", username], server.env)
    assert result.returncode == 0, result.stderr
    await expect(page.locator("#login-view")).to_be_visible(timeout=10_000)
    await expect(page.locator("#login-notice")).to_have_text(
        "Istuntosi on päättynyt. Kirjaudu uudelleen.")
    await expect(page.locator("#app-view")).to_be_hidden()
    await context.close()


async def test_logout(browser: Browser, server: ServerProcess) -> None:
    context, page = await new_console(browser, lang="en")
    await login(page, server, create_staff(server, unique("s")))
    await page.get_by_role("button", name="Log out").click()
    await expect(page.locator("#login-notice")).to_have_text("You have logged out.")
    await page.reload()
    await expect(page.locator("#login-view")).to_be_visible()
    no_js_errors(page)
    await context.close()


async def test_session_expiry_warning_and_login_again_keeps_the_chat(
        browser: Browser, tmp_path: Path) -> None:
    # Sessions of 4.8 minutes: the warning (5 minutes before the end) shows at once.
    with start_server(tmp_path, {"NEUVO_SESSION_TTL_HOURS": "0.08"}) as short:
        username = create_staff(short, unique("s"))
        context, page = await new_console(browser, lang="en")
        await login(page, short, username)
        await expect(page.locator("#session-warning")).to_contain_text("Your session ends at")
        resident = await queued_resident(short)
        await queue_item(page, resident.chat_id).get_by_role("button").click()
        await expect(page.locator("#tabs [role=tab]")).to_have_count(1)
        await page.get_by_role("button", name="Log in again").click()
        await expect(page.locator("#login-notice")).to_contain_text("Your chats come back")
        await page.locator("#login-username").fill(username)
        await page.locator("#login-password").fill("correct-horse-battery")
        await page.locator("#login-submit").click()
        await expect(page.locator("#conn")).to_have_attribute("data-state", "online")
        await expect(page.locator("#tabs [role=tab]")).to_have_count(1)
        await expect(active_panel(page).locator(".history")).to_be_visible()
        no_js_errors(page)
        await resident.close()
        await context.close()
