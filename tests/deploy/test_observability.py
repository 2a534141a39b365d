"""Observability on a real server (PostgreSQL + Redis): /metrics carries what an operator
needs after a full chat, the alert rules and the dashboard use only metrics that exist, and
the logs of a chat full of planted personal data hold none of it (nor tokens or addresses)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
import websockets
import yaml
from websockets.exceptions import InvalidStatus

from tests.backends import Backend
from tests.clients import Resident, StaffClient
from tests.processes import ROOT, ServerProcess, create_staff
from tests.waiting import eventually

DEPLOY = ROOT / "deploy"
PLANTED = {
    "hetu": "131052-308T", "phone": "040 765 4321", "email": "maija.meikalainen@example.fi",
    "name": "Maija Meikäläinen", "address": "Kirkkotie 3 A 5", "iban": "FI21 1234 5600 0007 85",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    backend = Backend("postgres-redis")
    try:
        with backend.server(tmp_path_factory.mktemp("observe"),
                            NEUVO_LOGIN_FAILURES_PER_15MIN="5") as srv:
            yield srv
    finally:
        backend.close()


def scrape(server: ServerProcess) -> str:
    return httpx.get(server.base_url + "/metrics", timeout=10).text


def sample(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + ("{" if labels else " ")) and all(
                f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in /metrics")


async def test_full_chat_with_personal_data_leaves_none_in_logs(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, "observer"))
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        failed = await http.post("/api/v1/staff/login",
                                 json={"username": "observer", "password": "wrong-password-1"})
        assert failed.status_code == 401
        bad = await http.post("/api/v1/chats", json={"lang": "xx"})
        assert bad.status_code == 422
    resident = await Resident.start(server)
    await resident.say(f"Hei, nimeni on {PLANTED['name']}, hetu {PLANTED['hetu']}")
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    await staff.accept(resident.chat_id)
    await resident.say(f"Puhelin {PLANTED['phone']}, sähköposti {PLANTED['email']}")
    await resident.say(f"Asun osoitteessa {PLANTED['address']}, tili {PLANTED['iban']}")
    await staff.say(resident.chat_id, f"Kiitos {PLANTED['name']}, soitan numeroon {PLANTED['phone']}")
    await staff.send({"type": "chat.close", "chat_id": resident.chat_id,
                      "tags": {"topics": ["other"], "outcome": "solved_first_contact"}})
    await resident.expect("chat.state", state="closed")
    await resident.send({"type": "feedback.submit", "score": 4,
                         "comment": f"Terveisin {PLANTED['name']} {PLANTED['email']}"})
    await resident.expect("feedback.ack")

    text = scrape(server)
    assert sample(text, "neuvo_messages_total", author="resident") >= 3
    assert sample(text, "neuvo_frame_handling_seconds_count", kind="resident",
                  type="message.send") >= 3
    assert sample(text, "neuvo_bot_turn_seconds_count", call="respond") >= 1
    assert sample(text, "neuvo_http_errors_total", code="invalid_frame") >= 1
    assert sample(text, "neuvo_queue_length", lang="fi") == 0
    assert sample(text, "neuvo_staff_on_duty") == 1
    assert sample(text, "neuvo_bus_connected") == 1
    assert 0 < sample(text, "neuvo_database_roundtrip_seconds") < 2
    assert 0 < sample(text, "neuvo_redis_roundtrip_seconds") < 2
    assert sample(text, "neuvo_ws_connections", kind="staff") == 1
    await staff.close()
    await resident.close()

    assert server.log_path is not None
    log = server.log_path.read_text()
    secrets = [*PLANTED.values(), PLANTED["hetu"][:6], PLANTED["phone"].replace(" ", ""),
               "Meikäläinen", "Kirkkotie", resident.token, staff.cookie, staff.csrf]
    leaked = [s for s in secrets if s.lower() in log.lower()]
    assert not leaked
    for line in log.splitlines():  # the bind address is printed once; no client address ever
        if "127.0.0.1" in line:
            assert "Uvicorn running on" in line, line
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    # Correlation: the lifecycle lines name the chat, and the accept (a staff frame) carries
    # the staff socket's connection id too.
    about = [e for e in entries if e.get("chat") == resident.chat_id]
    messages = [e["message"] for e in about]
    assert "chat queued" in messages and "chat closed by staff" in " ".join(messages)
    accepted = next(e for e in about if e["message"].startswith("chat accepted by staff"))
    assert len(accepted["conn"]) == 16 and accepted["request"]
    # The waiting time from handoff to the first person is a histogram.
    assert sample(scrape(server), "neuvo_queue_wait_seconds_count", lang="fi") >= 1


def log_entries(server: ServerProcess) -> list[dict[str, str]]:
    assert server.log_path is not None
    return [json.loads(line) for line in server.log_path.read_text().splitlines()
            if line.startswith("{")]


async def logged(server: ServerProcess, message: str) -> dict[str, str]:
    """The first log entry with this message, waiting until the server has written it."""
    found: list[dict[str, str]] = []

    async def written() -> bool:
        found[:] = [e for e in log_entries(server) if e["message"].startswith(message)]
        return bool(found)

    await eventually(written, timeout=10, step=0.05)
    return found[0]


async def test_request_ids_come_from_the_proxy_or_are_made(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        given = await http.get("/healthz", headers={"X-Request-ID": "0123456789abcdef0123"})
        bad = await http.get("/healthz", headers={"X-Request-ID": "<script> x"})
        none = await http.get("/healthz")
    assert given.headers["x-request-id"] == "0123456789abcdef0123"
    assert re.fullmatch(r"[0-9a-f]{16}", bad.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{16}", none.headers["x-request-id"])
    assert none.headers["x-request-id"] != bad.headers["x-request-id"]
    # A refused staff handshake is logged, with the proxy's request id and no address.
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(server.ws_base + "/ws/v1/staff", origin=server.base_url,  # type: ignore[arg-type]
                                 additional_headers={"X-Request-ID": "refused-handshake-42"})
    assert refused.value.response.status_code == 403
    entry = await logged(server, "staff socket refused: no valid session")
    assert entry["request"] == "refused-handshake-42" and entry["level"] == "info"


async def test_a_login_lockout_is_logged_without_name_or_address(server: ServerProcess) -> None:
    create_staff(server, "lockme")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        codes = [(await http.post("/api/v1/staff/login", json={
            "username": "lockme", "password": f"wrong-password-{i}"})).status_code
            for i in range(6)]
    assert codes == [401] * 5 + [429]
    entry = await logged(server, "login locked for 15 minutes after 5 failures")
    assert entry["level"] == "warning" and "staff " in entry["message"]
    assert "lockme" not in entry["message"] and "127.0.0.1" not in json.dumps(entry)


def metric_names(exposition: str) -> set[str]:
    names = set()
    for line in exposition.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            names.add(name)
            if kind == "histogram":
                names |= {name + "_bucket", name + "_sum", name + "_count"}
    return names


def used_names(exprs: list[str]) -> set[str]:
    return {name for expr in exprs for name in re.findall(r"\bneuvo_[a-z_]+\b", expr)}


def test_alert_rules_and_dashboard_use_existing_metrics(server: ServerProcess) -> None:
    known = metric_names(scrape(server))
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    names = {rule["alert"] for rule in alerts}
    assert {"NeuvoQueueWaitLong", "NeuvoNoStaffOnDuty", "NeuvoServerErrors",
            "NeuvoBusDisconnected"} <= names
    for rule in alerts:
        assert rule["annotations"]["summary"] and rule["labels"]["severity"]
    assert used_names([rule["expr"] for rule in alerts]) <= known
    dashboard = json.loads((DEPLOY / "grafana" / "neuvo-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = used_names(exprs)
    assert used <= known, used - known
    assert {"neuvo_queue_length", "neuvo_bot_turn_seconds_bucket",
            "neuvo_database_roundtrip_seconds"} <= used


def test_rules_file_is_valid_yaml_with_durations() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
            assert re.fullmatch(r"\d+[smh]", rule["for"])
            assert rule["expr"].count("(") == rule["expr"].count(")")
