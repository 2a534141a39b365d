"""The console's HTTP API (docs/staff-api.md): roles, CSRF, canned replies, consultation,
transcripts, supervisor functions, service settings and the audit log, on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.backends import Backend
from tests.clients import Resident, StaffClient, created, unique
from tests.processes import PASSWORD, ServerProcess, create_staff


class Api:
    """A logged-in browser-like client: the session cookie plus the CSRF header."""

    def __init__(self, http: httpx.AsyncClient, csrf: str) -> None:
        self.http, self.csrf = http, csrf

    async def call(self, method: str, path: str, json: Any = None, *,
                   csrf: bool = True) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return await self.http.request(method, path, json=json, headers=headers)

    async def ok(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        response = await self.call(method, path, json)
        assert response.status_code == status, response.text
        return response.json()


@asynccontextmanager
async def api(server: ServerProcess, username: str,
              password: str = PASSWORD) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        response = await http.post("/api/v1/staff/login",
                                   json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        yield Api(http, response.json()["csrf_token"])


async def assigned_chat(server: ServerProcess, staff: StaffClient,
                        lang: str = "fi") -> tuple[Resident, dict[str, Any]]:
    resident = await Resident.start(server, lang)
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    return resident, await staff.accept(resident.chat_id)


async def test_me_has_csrf_and_expiry_and_display_name_is_editable(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"), display_name="Anna")
    async with api(server, name) as a:
        me = await a.ok("GET", "/api/v1/staff/me")
        assert me["csrf_token"] == a.csrf and me["session_expires_at"]
        refused = await a.call("PATCH", "/api/v1/staff/me", {"display_name": "Anni"}, csrf=False)
        assert refused.status_code == 403
        assert (await a.ok("PATCH", "/api/v1/staff/me", {"display_name": " Anni "}))[
            "display_name"] == "Anni"
        for bad in ({"display_name": ""}, {"display_name": "x" * 101}, {"name": "x"},
                    {"display_name": 5}):
            response = await a.call("PATCH", "/api/v1/staff/me", bad)
            assert response.status_code == 422, bad
        staff = await StaffClient.start(server, name)
        resident, _ = await assigned_chat(server, staff)
        await resident.expect("chat.state", state="active")
        # The "joined" message is posted before the active state (both already here).
        system = [m["text"] for m in created(await resident.settle()) if m["author"] == "system"]
        assert any("Anni" in t for t in system) and not any(name in t for t in system)
        await staff.say(resident.chat_id, "Hei")
        message = await resident.expect("message.created", author="staff")
        assert message["author_name"] == "Anni"
        await staff.close()
        await resident.close()


async def test_staff_role_is_refused_supervisor_and_admin_functions(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    async with api(server, name) as a:
        for method, path in [("GET", "/api/v1/supervisor/overview"),
                             ("GET", "/api/v1/supervisor/staff"),
                             ("POST", "/api/v1/supervisor/staff"),
                             ("PATCH", f"/api/v1/supervisor/staff/{name}"),
                             ("POST", "/api/v1/supervisor/chats/x/reassign"),
                             ("GET", "/api/v1/supervisor/canned"),
                             ("POST", "/api/v1/supervisor/canned"),
                             ("DELETE", "/api/v1/supervisor/canned/1"),
                             ("GET", "/api/v1/supervisor/service"),
                             ("GET", "/api/v1/supervisor/feedback"),
                             ("PUT", "/api/v1/supervisor/service/hours"),
                             ("PUT", "/api/v1/supervisor/service/announcement"),
                             ("GET", "/api/v1/admin/audit")]:
            response = await a.call(method, path, {})
            assert response.status_code == 403, (method, path, response.text)
    sup = create_staff(server, unique("sup"), role="supervisor")
    async with api(server, sup) as s:
        assert (await s.call("GET", "/api/v1/admin/audit")).status_code == 403
        assert (await s.call("GET", "/api/v1/supervisor/overview")).status_code == 200
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        assert (await anonymous.get("/api/v1/supervisor/overview")).status_code == 401


async def test_staff_socket_refuses_reassign_frame_from_staff_role(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    await staff.send({"type": "chat.reassign", "chat_id": "whatever", "to": "queue"})
    error = await staff.expect("error")
    assert error["code"] == "forbidden"
    await staff.close()


async def test_csrf_is_required_on_every_state_changing_call(server: ServerProcess) -> None:
    sup = create_staff(server, unique("sup"), role="supervisor")
    async with api(server, sup) as s:
        for method, path, body in [
                ("POST", "/api/v1/supervisor/canned", {"lang": "fi", "title": "t", "text": "x"}),
                ("PUT", "/api/v1/supervisor/service/announcement", {"fi": "x"}),
                ("POST", "/api/v1/staff/consultations", {"chat_id": "x", "text": "y"}),
                ("PATCH", "/api/v1/staff/me", {"display_name": "x"})]:
            response = await s.call(method, path, body, csrf=False)
            assert response.status_code == 403 and "CSRF" in response.json()["message"], path
        wrong = await s.http.post("/api/v1/supervisor/canned", headers={"X-CSRF-Token": "nope"},
                                  json={"lang": "fi", "title": "t", "text": "x"})
        assert wrong.status_code == 403
        items = (await s.ok("GET", "/api/v1/supervisor/canned"))["items"]
        assert not any(i["title"] == "t" and i["text"] == "x" for i in items)


async def test_supervisor_reads_feedback_anonymised_with_the_days_scores(
        server: ServerProcess) -> None:
    sup = create_staff(server, unique("sup"), role="supervisor")
    async with api(server, sup) as s:
        before = await s.ok("GET", "/api/v1/supervisor/feedback")
        for score, comment in [(2, "Olen Matti Meikäläinen, hetu 010203-1230, soita 040 123 4567."),
                               (5, None)]:
            resident = await Resident.start(server, "sv" if comment is None else "fi")
            await resident.send({"type": "chat.close"})
            await resident.expect("chat.state", state="closed")
            frame: dict[str, Any] = {"type": "feedback.submit", "score": score}
            if comment:
                frame["comment"] = comment
            await resident.send(frame)
            await resident.expect("feedback.ack")
            await resident.close()
        after = await s.ok("GET", "/api/v1/supervisor/feedback")
        newest, previous = after["items"][:2]
        assert newest == {"created_at": newest["created_at"], "score": 5, "lang": "sv",
                          "comment": None}
        assert previous["score"] == 2 and previous["lang"] == "fi"
        assert previous["comment"] == "Olen <NAME>, hetu <HETU>, soita <PHONE>."
        assert datetime.fromisoformat(previous["created_at"]).tzinfo is not None
        today, was = after["today"], before["today"]
        assert today["count"] == was["count"] + 2
        assert today["scores"]["2"] == was["scores"]["2"] + 1
        assert today["scores"]["5"] == was["scores"]["5"] + 1
        assert sum(today["scores"].values()) == today["count"]
        assert today["average"] == round(
            sum(int(k) * v for k, v in today["scores"].items()) / today["count"], 2)
        assert len((await s.ok("GET", "/api/v1/supervisor/feedback?limit=1"))["items"]) == 1
        for bad in ("0", "201", "x", "²"):
            response = await s.call("GET", f"/api/v1/supervisor/feedback?limit={bad}")
            assert response.status_code == 422, bad


async def test_canned_replies_crud_search_and_validation(server: ServerProcess) -> None:
    sup = create_staff(server, unique("sup"), role="supervisor")
    staff = create_staff(server, unique("s"))
    word = unique("w")
    async with api(server, sup) as s:
        made = await s.ok("POST", "/api/v1/supervisor/canned",
                          {"lang": "sv", "title": f"Hälsning {word}", "text": "Hej, jag heter…"},
                          status=201)
        for bad in ({"lang": "de", "title": "a", "text": "b"}, {"lang": "fi", "title": "", "text": "b"},
                    {"lang": "fi", "title": "a", "text": "b" * 2001},
                    {"lang": "fi", "title": "a", "text": "b", "x": 1}):
            assert (await s.call("POST", "/api/v1/supervisor/canned", bad)).status_code == 422
        changed = await s.ok("PUT", f"/api/v1/supervisor/canned/{made['id']}",
                             {"lang": "sv", "title": f"ÄLSKAD {word}", "text": "Hej!"})
        assert changed["title"] == f"ÄLSKAD {word}"
        assert (await s.call("PUT", "/api/v1/supervisor/canned/999999",
                             {"lang": "sv", "title": "a", "text": "b"})).status_code == 404
        assert (await s.call("DELETE", "/api/v1/supervisor/canned/abc")).status_code == 422
    async with api(server, staff) as a:
        found = (await a.ok("GET", f"/api/v1/staff/canned?lang=sv&q=älskad {word}"))["items"]
        assert [i["id"] for i in found] == [made["id"]]  # case-folded å/ä/ö match
        assert (await a.ok("GET", f"/api/v1/staff/canned?lang=fi&q={word}"))["items"] == []
        assert (await a.call("GET", "/api/v1/staff/canned?lang=xx")).status_code == 422
        assert (await a.call("POST", "/api/v1/supervisor/canned",
                             {"lang": "fi", "title": "a", "text": "b"})).status_code == 403
    async with api(server, sup) as s:
        await s.ok("DELETE", f"/api/v1/supervisor/canned/{made['id']}")
        assert (await s.call("DELETE", f"/api/v1/supervisor/canned/{made['id']}")).status_code == 404


async def test_default_canned_replies_exist_in_three_languages(server: ServerProcess) -> None:
    async with api(server, create_staff(server, unique("s"))) as a:
        items = (await a.ok("GET", "/api/v1/staff/canned"))["items"]
    assert {i["lang"] for i in items} >= {"fi", "sv", "en"}
    # Since 28 June 2025 a text message to 112 needs no registration (migration 0004).
    emergency = [i["text"] for i in items if "112" in i["text"]]
    assert len(emergency) == 3
    assert all(any(word in t for word in ("tekstaa", "sms:a", "text the")) for t in emergency)
    outdated = ("rekisteröitymisen)", "registrering i förväg", "registration in advance")
    assert not any(word in text for text in emergency for word in outdated), emergency


async def test_consultation_is_anonymised_broadcast_replied_and_audited(
        server: ServerProcess) -> None:
    author = create_staff(server, unique("a"), display_name="Kysyjä")
    colleague = create_staff(server, unique("c"), display_name="Neuvoja")
    admin = create_staff(server, unique("adm"), role="admin")
    a_sock = await StaffClient.start(server, author)
    c_sock = await StaffClient.start(server, colleague)
    resident, _ = await assigned_chat(server, a_sock)
    excerpt = ("Nimeni on Matti Virtanen, hetu 010190-123A, puh 040 123 4567, "
               "matti@example.fi, asun Hämeenkatu 12 B 34. Vuokra on rästissä.")
    async with api(server, author) as a:
        thread = await a.ok("POST", "/api/v1/staff/consultations",
                            {"chat_id": resident.chat_id, "text": excerpt}, status=201)
        for secret in ("Matti", "010190-123A", "040 123 4567", "matti@example.fi", "Hämeenkatu"):
            assert secret not in thread["text"]
        assert "Vuokra on rästissä" in thread["text"] and thread["author_name"] == "Kysyjä"
        assert resident.chat_id not in str(thread)
        not_mine = await a.call("POST", "/api/v1/staff/consultations",
                                {"chat_id": "nope", "text": "x"})
        assert not_mine.status_code == 404
        too_long = await a.call("POST", "/api/v1/staff/consultations",
                                {"chat_id": resident.chat_id, "text": "x" * 2001})
        assert too_long.status_code == 422
    pushed = await c_sock.expect("consult.updated")
    assert pushed["thread"]["id"] == thread["id"] and "Matti" not in pushed["thread"]["text"]
    async with api(server, colleague) as c:
        replied = await c.ok("POST", f"/api/v1/staff/consultations/{thread['id']}/replies",
                             {"text": "Ohjaa asumisneuvontaan, soita 050 765 4321"}, status=201)
        assert replied["replies"][-1]["author_name"] == "Neuvoja"
        assert "050 765 4321" not in replied["replies"][-1]["text"]
        listed = (await c.ok("GET", "/api/v1/staff/consultations"))["items"]
        assert listed[0]["id"] == thread["id"] and len(listed[0]["replies"]) == 1
        assert (await c.call("POST", "/api/v1/staff/consultations/nope/replies",
                             {"text": "x"})).status_code == 404
    created = await a_sock.expect("consult.updated")  # the author's own thread, then the reply
    update = await a_sock.expect("consult.updated")
    assert created["thread"]["replies"] == [] and len(update["thread"]["replies"]) == 1
    async with api(server, admin) as adm:
        audit = (await adm.ok("GET", f"/api/v1/admin/audit?chat_id={resident.chat_id}"))["items"]
        assert {e["action"] for e in audit} >= {"accept", "consulted"}
        assert all(e["chat_id"] == resident.chat_id for e in audit)
    for client in (a_sock, c_sock, resident):
        await client.close()


async def test_transcript_export_is_limited_and_audited(server: ServerProcess) -> None:
    owner = create_staff(server, unique("o"), display_name="Omistaja")
    other = create_staff(server, unique("x"))
    sup = create_staff(server, unique("sup"), role="supervisor")
    admin = create_staff(server, unique("adm"), role="admin")
    sock = await StaffClient.start(server, owner)
    resident, _ = await assigned_chat(server, sock)
    await resident.say("Tarvitsen apua <b>vuokran</b> kanssa")
    await sock.say(resident.chat_id, "Autan mielelläni")
    path = f"/api/v1/staff/chats/{resident.chat_id}/transcript.txt"
    async with api(server, owner) as o:
        response = await o.call("GET", path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert "attachment" in response.headers["content-disposition"]
        assert "Asukas: Tarvitsen apua <b>vuokran</b> kanssa" in response.text
        assert "Työntekijä (Omistaja): Autan mielelläni" in response.text
    async with api(server, other) as x:
        assert (await x.call("GET", path)).status_code == 403
    async with api(server, sup) as s:
        assert (await s.call("GET", path)).status_code == 200
    async with api(server, admin) as adm:
        audit = (await adm.ok("GET", f"/api/v1/admin/audit?chat_id={resident.chat_id}"))["items"]
        assert sum(e["action"] == "exported" for e in audit) == 2
    await sock.close()
    await resident.close()


async def test_supervisor_reassigns_active_chat_to_colleague_and_to_queue(
        server: ServerProcess) -> None:
    first = await StaffClient.start(server, create_staff(server, unique("f")))
    second_name = create_staff(server, unique("s"), display_name="Britta", languages="sv")
    second = await StaffClient.start(server, second_name)
    sup_name = create_staff(server, unique("sup"), role="supervisor")
    resident, _ = await assigned_chat(server, first, "sv")
    async with api(server, sup_name) as s:
        overview = await s.ok("GET", "/api/v1/supervisor/overview")
        row = next(c for c in overview["chats"] if c["chat_id"] == resident.chat_id)
        assert row["lang"] == "sv" and row["active_s"] >= 0
        assert overview["today"]["chats"] >= 1 and overview["today"]["handed_off"] >= 1
        assert {"length", "longest_wait_s", "items"} <= set(overview["queue"])
        await s.ok("POST", f"/api/v1/supervisor/chats/{resident.chat_id}/reassign",
                   {"to": second_name, "note": "ruotsinkielinen"})
        released = await first.expect("chat.released", chat_id=resident.chat_id)
        assert released["reason"] == "reassigned"
        assigned = await second.expect("chat.assigned", chat_id=resident.chat_id)
        assert [n["text"] for n in assigned["notes"]] == ["ruotsinkielinen"]
        assert assigned["notes"][0]["author_name"] == "Sosiaaliohjaaja"  # the supervisor's name
        await s.ok("POST", f"/api/v1/supervisor/chats/{resident.chat_id}/reassign", {"to": "queue"})
        assert (await second.expect("chat.released", chat_id=resident.chat_id))["reason"] == \
            "reassigned"
        await resident.expect("chat.state", state="queued")
        gone = await s.call("POST", f"/api/v1/supervisor/chats/{resident.chat_id}/reassign",
                            {"to": "nobody-on-duty"})
        assert gone.status_code == 409
        # Queued chat straight to a colleague.
        await s.ok("POST", f"/api/v1/supervisor/chats/{resident.chat_id}/reassign",
                   {"to": second_name})
        await second.expect("chat.assigned", chat_id=resident.chat_id)
    for client in (first, second, resident):
        await client.close()


async def test_supervisor_manages_staff_accounts(server: ServerProcess) -> None:
    sup = create_staff(server, unique("sup"), role="supervisor")
    new = unique("n")
    async with api(server, sup) as s:
        made = await s.ok("POST", "/api/v1/supervisor/staff", {
            "username": new, "display_name": "Uusi", "password": PASSWORD, "roles": ["staff"],
            "capacity": 2, "languages": ["fi", "sv"]}, status=201)
        assert made["status"] == "offline" and made["active"] is True
        dup = await s.call("POST", "/api/v1/supervisor/staff", {
            "username": new, "display_name": "x", "password": PASSWORD, "roles": ["staff"]})
        assert dup.status_code == 409
        for bad in ({"username": "A B", "display_name": "x", "password": PASSWORD, "roles": ["staff"]},
                    {"username": unique("n"), "display_name": "x", "password": "short",
                     "roles": ["staff"]},
                    {"username": unique("n"), "display_name": "x", "password": PASSWORD,
                     "roles": ["root"]}):
            assert (await s.call("POST", "/api/v1/supervisor/staff", bad)).status_code == 422
        admin_grant = await s.call("POST", "/api/v1/supervisor/staff", {
            "username": unique("n"), "display_name": "x", "password": PASSWORD, "roles": ["admin"]})
        assert admin_grant.status_code == 403
        admin = create_staff(server, unique("adm"), role="admin")
        for change in ({"active": False}, {"capacity": 2}, {"roles": ["staff"]}):
            refused = await s.call("PATCH", f"/api/v1/supervisor/staff/{admin}", change)
            assert refused.status_code == 403, change
        assert (await s.call("POST", f"/api/v1/supervisor/staff/{admin}/password",
                             {"password": "another-long-password"})).status_code == 403
        changed = await s.ok("PATCH", f"/api/v1/supervisor/staff/{new}",
                             {"capacity": 5, "languages": ["en"], "roles": ["staff", "editor"]})
        assert changed["capacity"] == 5 and changed["languages"] == ["en"]
        assert changed["roles"] == ["staff", "editor"]
        assert (await s.call("PATCH", f"/api/v1/supervisor/staff/{sup}",
                             {"active": False})).status_code == 409
        assert (await s.call("PATCH", "/api/v1/supervisor/staff/nobody",
                             {"capacity": 2})).status_code == 404
        sock = await StaffClient.start(server, new)
        listed = (await s.ok("GET", "/api/v1/supervisor/staff"))["items"]
        assert next(i for i in listed if i["username"] == new)["status"] == "available"
        await s.ok("POST", f"/api/v1/supervisor/staff/{new}/password",
                   {"password": "another-long-password"})
        with pytest.raises(ConnectionClosed):
            await sock.expect("never", timeout=5)
        assert sock.ws.close_code == 4401
        login_old = await s.http.post("/api/v1/staff/login",
                                      json={"username": new, "password": PASSWORD})
        assert login_old.status_code == 401
        sock = await StaffClient.start(server, new, "another-long-password")
        await s.ok("PATCH", f"/api/v1/supervisor/staff/{new}", {"active": False})
        with pytest.raises(ConnectionClosed):
            await sock.expect("never", timeout=5)
        assert sock.ws.close_code == 4401


async def test_service_hours_and_announcement_reach_residents(server: ServerProcess) -> None:
    sup = create_staff(server, unique("sup"), role="supervisor")
    closed_all_week = {"always": False, "tz": "Europe/Helsinki",
                       "weekly": {"mon": [{"from": "03:00", "to": "03:01"}]},
                       "exceptions": []}
    async with api(server, sup) as s:
        start = await s.ok("GET", "/api/v1/supervisor/service")
        assert start["source"] == "environment" and start["hours"]["always"] is True
        bad: Any
        for bad in ({"weekly": {"mon": [{"from": "16:00", "to": "08:00"}]}},
                    {"weekly": {"funday": []}},
                    {"weekly": {"mon": [{"from": "8", "to": "16:00"}]}},
                    {"weekly": {}},
                    {"always": True, "tz": "Mars/Olympus"},
                    {"always": True, "exceptions": [{"date": "2026-02-30"}]},
                    {"always": True, "exceptions": [{"date": "2026-12-03", "from": "12:00"}]},
                    {"always": True, "extra": 1}):
            response = await s.call("PUT", "/api/v1/supervisor/service/hours", bad)
            assert response.status_code == 422, (bad, response.text)
        saved = await s.ok("PUT", "/api/v1/supervisor/service/hours", closed_all_week)
        assert saved["source"] == "database" and saved["hours"]["weekly"]["mon"] == [
            {"from": "03:00", "to": "03:01"}] and saved["hours"]["weekly"]["tue"] == []
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            status = (await http.get("/api/v1/service/status?lang=fi")).json()
        assert status["open_now"] is False and "ma 3.00–3.01" in status["hours_text"]
        resident = await Resident.start(server)
        await resident.send({"type": "handoff.request"})
        note = await resident.expect("message.created", author="system")
        assert "3.00–3.01" in note["text"]
        await resident.close()
        await s.ok("PUT", "/api/v1/supervisor/service/announcement",
                   {"fi": "Tänään jono on pitkä.", "sv": None, "en": "Long queue today."})
        too_long = await s.call("PUT", "/api/v1/supervisor/service/announcement", {"fi": "x" * 301})
        assert too_long.status_code == 422
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            fi = (await http.get("/api/v1/service/status?lang=fi")).json()
            en = (await http.get("/api/v1/service/status?lang=en")).json()
            sv = (await http.get("/api/v1/service/status?lang=sv")).json()
        assert fi["announcement"] == "Tänään jono on pitkä."
        assert en["announcement"] == "Long queue today."
        assert sv["announcement"] == "Tänään jono on pitkä."  # falls back to another language
        await s.ok("PUT", "/api/v1/supervisor/service/announcement", {"fi": " ", "en": None})
        reset = await s.ok("DELETE", "/api/v1/supervisor/service/hours")
        assert reset["source"] == "environment" and reset["announcement"]["fi"] is None
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            status = (await http.get("/api/v1/service/status?lang=fi")).json()
        assert status["open_now"] is True and status["announcement"] is None


async def test_audit_log_pages_and_filters(server: ServerProcess) -> None:
    admin = create_staff(server, unique("adm"), role="admin")
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    residents = [(await assigned_chat(server, staff))[0] for _ in range(3)]
    async with api(server, admin) as a:
        first = await a.ok("GET", "/api/v1/admin/audit?limit=2")
        assert len(first["items"]) == 2 and first["next_before_id"]
        rest = await a.ok("GET", f"/api/v1/admin/audit?limit=2&before_id={first['next_before_id']}")
        assert all(e["id"] < first["next_before_id"] for e in rest["items"])
        for bad in ("limit=0", "limit=abc", "before_id=-1"):
            assert (await a.call("GET", f"/api/v1/admin/audit?{bad}")).status_code == 422
    for resident in residents:
        await resident.close()
    await staff.close()


@pytest.fixture
def own_backend() -> Iterator[Backend]:
    """A PostgreSQL database and Redis of its own: closing the service today must not leak
    into the module's shared server."""
    backend = Backend("postgres-redis")
    yield backend
    backend.close()


async def test_hours_saved_on_one_process_apply_on_another(own_backend: Backend,
                                                           tmp_path: Path) -> None:
    backend = own_backend
    with backend.server(tmp_path / "a") as a, backend.server(tmp_path / "b") as b:
        sup = create_staff(a, unique("sup"), role="supervisor")
        async with api(a, sup) as s, httpx.AsyncClient(base_url=b.base_url) as other:
            assert (await other.get("/api/v1/service/status")).json()["open_now"] is True
            today = datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()
            await s.ok("PUT", "/api/v1/supervisor/service/hours", {
                "always": True, "exceptions": [{"date": today, "note": "koulutuspäivä"}]})
            await s.ok("PUT", "/api/v1/supervisor/service/announcement", {"fi": "Huolto tänään"})
            for _ in range(50):
                status = (await other.get("/api/v1/service/status")).json()
                if status["announcement"] == "Huolto tänään":
                    break
                await asyncio.sleep(0.1)
            assert status["announcement"] == "Huolto tänään"
            assert status["open_now"] is False  # well inside the 30 s cache: the bus event did it


async def test_logout_hands_chats_back_at_once_unless_another_session_is_open(
        server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    sup = create_staff(server, unique("sup"), role="supervisor")
    sock = await StaffClient.start(server, name)
    resident, _ = await assigned_chat(server, sock)
    async with api(server, name) as other:
        await other.ok("POST", "/api/v1/staff/logout")  # the socket's session is still open
    # The chat is still theirs: a message after the logout reaches the resident behind
    # anything the logout published to the chat.
    await sock.say(resident.chat_id, "Olen yhä täällä")
    frames = await resident.until(lambda f: f["type"] == "message.created"
                                  and f["text"] == "Olen yhä täällä")
    assert not [f for f in frames + await resident.settle() if f.get("state") == "queued"]
    async with httpx.AsyncClient(base_url=server.base_url,
                                 cookies={"neuvo_session": sock.cookie}) as http:
        out = await http.post("/api/v1/staff/logout", headers={"X-CSRF-Token": sock.csrf})
        assert out.status_code == 200  # the last session: offline now
    state = await resident.expect("chat.state", state="queued")
    assert state["reason"] == "staff_disconnected"
    with pytest.raises(ConnectionClosed):
        await sock.expect("never", timeout=5)
    async with api(server, sup) as s:
        listed = (await s.ok("GET", "/api/v1/supervisor/staff"))["items"]
        assert next(i for i in listed if i["username"] == name)["status"] == "offline"
    await resident.close()
