"""Observability on a real server (PostgreSQL + Redis): /metrics carries what an operator
needs after a full chat, the alert rules and the dashboard use only metrics that exist, and
the logs of a chat full of planted personal data hold none of it (nor tokens or addresses)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
import yaml

from tests.conftest import Backend
from tests.helpers import ROOT, Resident, ServerProcess, StaffClient, create_staff

DEPLOY = ROOT / "deploy"
PLANTED = {
    "hetu": "131052-308T", "phone": "040 765 4321", "email": "maija.meikalainen@example.fi",
    "name": "Maija Meikäläinen", "address": "Kirkkotie 3 A 5", "iban": "FI21 1234 5600 0007 85",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    backend = Backend("postgres-redis")
    try:
        with backend.server(tmp_path_factory.mktemp("observe")) as srv:
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
