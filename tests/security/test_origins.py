"""Origins on both sockets and the staff login (attack catalogue, issue 16): the widget's
allowed origins are not the staff's — a county web site that embeds the widget cannot open
the staff socket or log staff in, even with a valid staff cookie; a foreign, missing or
wrong-scheme Origin is refused; `NEUVO_STAFF_ORIGINS` admits a listed one."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.clients import StaffClient, unique
from tests.processes import PASSWORD, ServerProcess, create_staff, start_server

pytestmark = pytest.mark.timeout(120)
COUNTY = "https://www.county.example"
STAFF_SITE = "https://intra.county.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"NEUVO_ALLOWED_ORIGINS": COUNTY, "NEUVO_STAFF_ORIGINS": STAFF_SITE}
    with start_server(tmp_path_factory.mktemp("origins"), env) as srv:
        yield srv


async def staff_socket(server: ServerProcess, cookie: str, origin: str | None) -> int:
    """101 when the handshake is accepted, else the HTTP status it was refused with."""
    try:
        async with websockets.connect(server.ws_base + "/ws/v1/staff",
                                      origin=origin,  # type: ignore[arg-type]
                                      additional_headers={"Cookie": f"neuvo_session={cookie}"}):
            return 101
    except InvalidStatus as refused:
        return int(refused.response.status_code)


async def resident_socket(server: ServerProcess, origin: str | None) -> int:
    try:
        async with websockets.connect(server.ws_base + "/ws/v1/resident",
                                      origin=origin):  # type: ignore[arg-type]
            return 101
    except InvalidStatus as refused:
        return int(refused.response.status_code)


async def test_the_widgets_origins_do_not_open_the_staff_side(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    cookie, _ = await StaffClient.login(server, name)
    own = server.base_url
    wrong_scheme = own.replace("http://", "https://")
    assert await staff_socket(server, cookie, own) == 101
    assert await staff_socket(server, cookie, STAFF_SITE) == 101
    for origin in (COUNTY, "https://evil.example", wrong_scheme, "null", None):
        assert await staff_socket(server, cookie, origin) == 403, origin
    # The widget's origin opens the resident socket, not foreign or wrong-scheme ones.
    assert await resident_socket(server, COUNTY) == 101
    assert await resident_socket(server, own) == 101
    for origin in ("https://evil.example", wrong_scheme, STAFF_SITE):
        assert await resident_socket(server, origin) == 403, origin
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        for origin, status in ((COUNTY, 403), ("https://evil.example", 403),
                               (STAFF_SITE, 200), (own, 200)):
            login = await http.post("/api/v1/staff/login", headers={"Origin": origin},
                                    json={"username": name, "password": PASSWORD})
            assert login.status_code == status, (origin, login.text)
