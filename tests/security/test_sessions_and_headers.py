"""Sessions, identifiers, headers and password hashing (attack catalogue, issue 16): a
session replayed after logout or forged is refused on HTTP and on the staff socket; tokens
and ids of the wrong type, huge, with NUL or injection strings get a clear error and the
socket stays usable; every page carries the security headers and a CSP without
'unsafe-inline' scripts; stored passwords are argon2id with at least OWASP's parameters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.clients import StaffClient, unique
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server

pytestmark = pytest.mark.timeout(120)
PAGES = ["/", "/console/", "/console/supervisor", "/console/editor", "/console/statistics",
         "/console/directory", "/widget/chat.html"]
ODD_VALUES: list[Any] = [{"$ne": None}, ["x"], "x" * 10_000, "abc\u0000def", "' OR 1=1 --",
                         "../../etc/passwd", 12345, None, True]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("sessions")) as srv:
        yield srv


async def staff_socket_status(server: ServerProcess, cookie: str) -> int:
    try:
        async with websockets.connect(
                server.ws_base + "/ws/v1/staff", origin=server.base_url,  # type: ignore[arg-type]
                additional_headers={"Cookie": f"neuvo_session={cookie}"}):
            return 101
    except InvalidStatus as refused:
        return int(refused.response.status_code)


async def test_a_session_replayed_after_logout_or_forged_is_refused(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    cookie, csrf = await StaffClient.login(server, name)
    headers = {"Cookie": f"neuvo_session={cookie}", "X-CSRF-Token": csrf}
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers) as http:
        assert (await http.get("/api/v1/staff/me")).status_code == 200
        assert await staff_socket_status(server, cookie) == 101
        assert (await http.post("/api/v1/staff/logout")).status_code == 200
        assert (await http.get("/api/v1/staff/me")).status_code == 401  # replayed
    assert await staff_socket_status(server, cookie) == 403
    forged = cookie[:-4] + ("aaaa" if not cookie.endswith("aaaa") else "bbbb")
    for fake in (forged, "", "x" * 5000, "' OR 1=1 --"):
        async with httpx.AsyncClient(base_url=server.base_url,
                                     headers={"Cookie": f"neuvo_session={fake}"}) as http:
            assert (await http.get("/api/v1/staff/me")).status_code == 401, fake[:20]
        assert await staff_socket_status(server, fake) == 403, fake[:20]


async def test_odd_tokens_and_ids_in_hello_get_a_clear_error(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        chat = (await http.post("/api/v1/chats", json={"lang": "fi"})).json()
    for field in ("token", "chat_id"):
        for value in ODD_VALUES:
            hello = {"type": "hello", "chat_id": chat["chat_id"],
                     "token": chat["resident_token"], "last_seq": 0, field: value}
            async with websockets.connect(server.ws_base + "/ws/v1/resident",
                                          origin=server.base_url) as ws:  # type: ignore[arg-type]
                await ws.send(json.dumps(hello))
                reply = json.loads(await ws.recv())
                assert reply["type"] == "error", (field, str(value)[:30])
                assert reply["code"] in ("invalid_frame", "unauthorized", "too_large")
    # the right hello still works afterwards
    async with websockets.connect(server.ws_base + "/ws/v1/resident",
                                  origin=server.base_url) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "chat_id": chat["chat_id"],
                                  "token": chat["resident_token"], "last_seq": 0}))
        assert json.loads(await ws.recv())["type"] == "welcome"


async def test_every_page_has_the_security_headers(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, follow_redirects=False) as http:
        for path in PAGES:
            page = await http.get(path)
            assert page.status_code in (200, 303), (path, page.status_code)
            h = page.headers
            assert h["x-content-type-options"] == "nosniff", path
            assert h["referrer-policy"] == "no-referrer", path
            csp = h["content-security-policy"]
            script = re.search(r"script-src ([^;]*)", csp)
            assert script and "'unsafe-inline'" not in script.group(1), (path, csp)
            assert "default-src 'self'" in csp or "default-src 'none'" in csp, (path, csp)
            assert "frame-ancestors" in csp, path
            if not path.startswith("/widget/"):
                assert h.get("x-frame-options") == "DENY", path


def test_passwords_are_argon2id_with_owasp_parameters(server: ServerProcess) -> None:
    import asyncio

    from server.config import to_async_url
    from server.store.db import Database
    from server.store.models import Staff

    name = create_staff(server, unique("s"))

    async def stored() -> str:
        db = Database(to_async_url(server.env["NEUVO_DATABASE_URL"]))
        try:
            async with db.read() as session:
                from sqlalchemy import select
                from sqlmodel import col
                row = (await session.execute(
                    select(Staff).where(col(Staff.username) == name))).scalar_one_or_none()
                assert row is not None
                return str(row.password_hash)
        finally:
            await db.dispose()

    value = asyncio.run(stored())
    found = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", value)
    assert found, value[:20]
    memory, time_cost, _ = (int(x) for x in found.groups())
    assert memory >= 19456 and time_cost >= 2  # OWASP: m=19 MiB, t=2 at the least
    assert PASSWORD not in value
