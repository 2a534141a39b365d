"""Every HTTP route of the app, enumerated from its route table (a new route is covered by
itself): a resident's token opens no staff, supervisor, editor or admin route, and every
state-changing route refuses a staff session without the CSRF header. Part of the attack
catalogue (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Route

from tests.clients import Resident, unique
from tests.editor.editor_helpers import api
from tests.processes import ServerProcess, create_staff, start_server

pytestmark = pytest.mark.timeout(300)
# Routes anyone may call (the widget's and the login itself).
PUBLIC = {("POST", "/api/v1/chats"), ("GET", "/api/v1/service/status"),
          ("GET", "/api/v1/queues"), ("POST", "/api/v1/staff/login"),
          ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}
SAMPLES = {"name": "greet", "intent": "greet", "version": "1", "id": "1", "lang": "sv",
           "chat_id": "0" * 32, "queue_id": "default", "item_id": "1", "point_id": "1",
           "table": "summary", "part": "summary", "username": "nobody", "thread_id": "1"}


def http_routes() -> list[tuple[str, str]]:
    """(method, path with sample parameters) of every /api route of the app."""
    from server.app import create_app
    from server.config import Settings

    app = create_app(Settings(dev=True, database_url="sqlite:///unused.db"))
    found = []
    for route in app.routes:
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        path = route.path
        for key, value in SAMPLES.items():
            path = path.replace("{" + key + "}", value)
        assert "{" not in path, f"add a sample value for {route.path}"
        found += [(m, path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("routes")) as srv:
        yield srv


def test_the_route_table_is_read() -> None:
    routes = http_routes()
    assert len(routes) > 80
    for expected in (("POST", "/api/v1/editor/publish"), ("PUT", "/api/v1/supervisor/queues/default"),
                     ("GET", "/api/v1/stats"), ("GET", "/api/v1/admin/audit")):
        assert expected in routes


async def test_a_resident_token_opens_no_staff_route(server: ServerProcess) -> None:
    resident = await Resident.start(server, "fi")
    token = resident.token
    await resident.close()
    headers = {"Authorization": f"Bearer {token}", "X-CSRF-Token": token,
               "Cookie": f"neuvo_session={token}"}
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers) as http:
        for method, path in http_routes():
            if (method, path) in PUBLIC or path.startswith("/api/v1/chats/"):
                continue
            response = await http.request(method, path, json={} if method != "GET" else None)
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["error"] == "unauthorized"


async def test_every_state_changing_route_needs_the_csrf_header(server: ServerProcess) -> None:
    admin = create_staff(server, unique("adm"), role=["admin", "supervisor", "editor", "staff"])
    async with api(server, admin) as a:
        for method, path in http_routes():
            if method == "GET" or (method, path) in PUBLIC:
                continue
            response = await a.call(method, path, {}, csrf=False)
            assert response.status_code == 403, (method, path, response.status_code)
            assert response.json()["error"] == "forbidden", (method, path)
