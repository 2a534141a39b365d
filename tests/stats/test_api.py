"""The statistics API through a real server on both backends: roles, JSON equal to the
service's report, CSV (BOM, separators, adds up), click-through, audit, phone calls, and
422 for bad parameters."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest

from server.store.models_stats import StatsMessage
from tests.clients import unique
from tests.processes import PASSWORD, ServerProcess, create_staff
from tests.stats.builder import NOV, SCRIPTED, insert, rows, service_context

WEEK = {"from": "2026-11-09", "to": "2026-11-15"}
API = "/api/v1/stats"


@contextmanager
def client(server: ServerProcess, role: str) -> Iterator[httpx.Client]:
    username = create_staff(server, unique(role[0]), role=role)
    with httpx.Client(base_url=server.base_url) as http:
        response = http.post("/api/v1/staff/login",
                             json={"username": username, "password": PASSWORD})
        response.raise_for_status()
        http.headers["x-csrf-token"] = response.json()["csrf_token"]
        yield http


@pytest.fixture(scope="module")
def loaded(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    chats = rows(SCRIPTED)
    messages = [StatsMessage(chat_id=chats[0].chat_id, seq=1, author="resident",
                             text="Hei, nimeni on <NAME>", intent="greet",
                             created_at=chats[0].created_at)]

    async def fill() -> None:
        async with service_context(server.env["NEUVO_DATABASE_URL"],
                                   tmp_path_factory.mktemp("fill")) as ctx:
            await insert(ctx, chats, messages, calls={NOV: 40})

    import asyncio
    asyncio.run(fill())
    yield [c.chat_id for c in chats]


@pytest.fixture(scope="module")
def supervisor(server: ServerProcess) -> Iterator[httpx.Client]:
    with client(server, "supervisor") as http:
        yield http


def test_roles(server: ServerProcess, loaded: list[str]) -> None:
    anonymous = httpx.get(server.base_url + API, params=WEEK)
    assert anonymous.status_code == 401
    for role in ("staff", "editor"):
        with client(server, role) as http:
            for path in (API, f"{API}/days.csv", f"{API}/conversations.csv",
                         f"{API}/conversations/{loaded[0]}", f"{API}/definitions"):
                refused = http.get(path, params=WEEK if "conversations/" not in path else None)
                assert refused.status_code == 403, (role, path)
                assert refused.json()["error"] == "forbidden"
            assert http.post(f"{API}/phone-calls", content=b"date,calls\n2026-11-01,3\n",
                             headers={"content-type": "text/csv"}).status_code == 403
    with client(server, "admin") as http:
        assert http.get(API, params=WEEK).status_code == 200


def test_json_report(supervisor: httpx.Client, loaded: list[str]) -> None:
    report = supervisor.get(API, params=WEEK).json()
    assert report["summary"]["chats"] == 45 and report["summary"]["containment_pct"] == 44.4
    assert report["days"][0]["calls"] == 40
    muni = {row["value"]: row["chats"] for row in report["municipality"]}
    assert muni == {"Seinäjoki": 30, "Vaasa": "..", "Kuortane": "<5"}
    part = supervisor.get(f"{API}/days", params=WEEK).json()
    assert part["days"] == report["days"]
    feedback = supervisor.get(f"{API}/feedback", params=WEEK).json()["feedback"]
    assert feedback["csat_pct"] == 50.0
    definitions = supervisor.get(f"{API}/definitions").json()
    assert set(definitions["containment"]) == {"fi", "sv", "en"}


@pytest.mark.parametrize("params, status", [
    ({"from": "2026-02-30"}, 422), ({"from": "2025-01-01", "to": "2026-11-01"}, 422),
    ({"lang": "ru"}, 422), ({"bogus": "1"}, 422), ({"sep": "tab"}, 422),
    ({"municipality": "a" * 200}, 422),
])
def test_bad_parameters(supervisor: httpx.Client, params: dict[str, str], status: int) -> None:
    for path in (API, f"{API}/days.csv"):
        response = supervisor.get(path, params={**WEEK, **params})
        if "sep" in params and path == API:
            continue  # sep only matters for CSV
        assert response.status_code == status, (path, response.text)
        assert response.json()["error"] == "invalid_frame" and response.json()["message"]
    assert supervisor.get(f"{API}/nosuch", params=WEEK).status_code == 404
    assert supervisor.get(f"{API}/nosuch.csv", params=WEEK).status_code == 404
    assert supervisor.get(API + "?lang=fi&lang=sv").status_code == 422


def _csv(response: httpx.Response, sep: str = ",") -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=sep))


def test_csv_exports_add_up(supervisor: httpx.Client, loaded: list[str]) -> None:
    days = _csv(supervisor.get(f"{API}/days.csv", params=WEEK))
    assert days[0][:5] == ["day", "chats", "bot", "staff", "abandoned_queue"]
    assert days[1][:5] == ["2026-11-09", "23", "10", "13", "0"]
    semi = _csv(supervisor.get(f"{API}/days.csv", params={**WEEK, "sep": "semicolon"}), ";")
    assert semi[1][5] == "43,5"  # decimal comma with ;
    muni = _csv(supervisor.get(f"{API}/municipality.csv", params=WEEK))
    assert sorted(muni[1:]) == [["Kuortane", "<5"], ["Seinäjoki", "30"], ["Vaasa", ".."]]
    heat = _csv(supervisor.get(f"{API}/heatmap.csv", params=WEEK))
    assert len(heat) == 1 + 7 * 24
    per_chat = _csv(supervisor.get(f"{API}/conversations.csv", params=WEEK))
    header, body = per_chat[0], per_chat[1:]
    assert len(body) == 45
    column = {name: i for i, name in enumerate(header)}
    per_day = Counter(row[column["day"]] for row in body)
    assert {d: n for d, n in per_day.items()} == {
        row[0]: int(row[1]) for row in days[1:] if row[1] != "0"}
    handled = Counter(row[column["handled_by"]] for row in body)
    assert handled == {"bot": 20, "staff": 20, "abandoned_queue": 5}
    assert Counter(row[column["municipality"]] for row in body) == {
        "Seinäjoki": 30, "Vaasa": 12, "<5": 3}
    assert Counter(row[column["tag_topics"]] for row in body) == {
        "": 28, "income_support": 10, "child_welfare,housing_advice": 7}
    for name in ("summary", "feedback", "topic", "outcome", "lang", "tag_topics", "weekly"):
        assert len(_csv(supervisor.get(f"{API}/{name}.csv", params=WEEK))) > 1


def test_click_through(supervisor: httpx.Client, loaded: list[str], server: ServerProcess) -> None:
    cell = supervisor.get(f"{API}/conversations", params={**WEEK, "weekday": "0", "hour": "11"})
    assert cell.status_code == 200 and cell.json()["total"] == 13
    day = supervisor.get(f"{API}/conversations", params={**WEEK, "day": "2026-11-10",
                                                         "handled_by": "abandoned_queue"})
    assert day.json()["total"] == 5
    small = supervisor.get(f"{API}/conversations", params={**WEEK, "municipality": "Kuortane"})
    assert small.status_code == 403 and "fewer than 5" in small.json()["message"]
    bad = supervisor.get(f"{API}/conversations", params={**WEEK, "hour": "24"})
    assert bad.status_code == 422
    one = supervisor.get(f"{API}/conversations/{loaded[0]}").json()
    assert one["items"][0]["text"] == "Hei, nimeni on <NAME>"
    assert supervisor.get(f"{API}/conversations/{'0' * 32}").status_code == 404
    with client(server, "admin") as admin:
        actions = [e["action"] for e in admin.get("/api/v1/admin/audit").json()["items"]]
    assert "statistics_opened" in actions and "statistics_exported" in actions


def test_phone_calls_upload(supervisor: httpx.Client, loaded: list[str]) -> None:
    good = "date,calls\n2026-11-10,35\n2026-11-11,0\n"
    response = supervisor.post(f"{API}/phone-calls", content=good.encode(),
                               headers={"content-type": "text/csv"})
    assert response.status_code == 200 and response.json()["days"] == 2
    bad = "date,calls\n2026-11-12,7\n2026-11-31,5\nnot a line\n2026-11-14,-3\n"
    refused = supervisor.post(f"{API}/phone-calls", content=bad.encode(),
                              headers={"content-type": "text/csv"})
    assert refused.status_code == 422
    message = refused.json()["message"]
    assert "line 3" in message and "line 4" in message and "line 5" in message
    huge = supervisor.post(f"{API}/phone-calls", content=b"2026-11-12,7\n" * 10_000,
                           headers={"content-type": "text/csv"})
    assert huge.status_code == 413
    no_csrf = httpx.post(str(supervisor.base_url) + f"{API}/phone-calls", content=good.encode(),
                         headers={"content-type": "text/csv"}, cookies=supervisor.cookies)
    assert no_csrf.status_code == 403
    calls = supervisor.get(f"{API}/phone-calls", params=WEEK).json()["items"]
    assert calls == [{"day": "2026-11-09", "calls": 40}, {"day": "2026-11-10", "calls": 35},
                     {"day": "2026-11-11", "calls": 0}]  # nothing of the bad file was kept
    days = supervisor.get(f"{API}/days", params=WEEK).json()["days"]
    assert [d["calls"] for d in days[:4]] == [40, 35, 0, None]
    assert (NOV + timedelta(days=3)).isoformat() == days[3]["day"]


