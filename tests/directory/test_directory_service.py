"""The service directory's services on SQLite and PostgreSQL: create, list and filter,
update with revision conflicts, delete, history, validation, unknown ids, XSS text kept
verbatim, and what the bot is told (the municipality's points, the municipalities with
points, a button's municipality stored on the chat)."""

from __future__ import annotations

import pytest

from server.services import directory, directory_bot
from server.services.directory_rules import PointInvalid
from server.services.errors import InvalidInput, NotFound
from server.store.models import Chat
from tests.directory.helpers import XSS, point
from tests.services.conftest import Services


async def test_create_list_filter_get_and_history(svc: Services) -> None:
    ctx = svc.ctx
    created = await directory.create(ctx, "ed1", point())
    assert created["revision"] == 1 and created["municipality"] == "Seinäjoki"
    assert created["languages"] == ["fi", "sv"] and created["updated_by"] == "ed1"
    await directory.create(ctx, "ed1", point(municipality="vasa", type="food_aid",
                                              name_fi="Vaasan ruoka-apu", languages="fi sv en"))
    every = await directory.list_points(ctx)
    assert len(every["items"]) == 2 and "health_station" in every["types"]
    vaasa = await directory.list_points(ctx, municipality="Vasa")
    assert [p["municipality"] for p in vaasa["items"]] == ["Vaasa"]  # Swedish name → Finnish
    assert vaasa["items"][0]["languages"] == ["fi", "sv", "en"]
    health = await directory.list_points(ctx, kind="health_station")
    assert [p["id"] for p in health["items"]] == [created["id"]]
    assert (await directory.get_point(ctx, created["id"]))["name"]["en"] == "Seinäjoki health centre"
    log = await directory.history(ctx, None)
    assert [(i["action"], i["by"]) for i in log["items"]] == [("create", "ed1"), ("create", "ed1")]


async def test_filters_are_validated(svc: Services) -> None:
    with pytest.raises(InvalidInput, match="not a Finnish municipality"):
        await directory.list_points(svc.ctx, municipality="Atlantis")
    with pytest.raises(InvalidInput, match="type must be one of"):
        await directory.list_points(svc.ctx, kind="spaceport")


async def test_two_saves_of_the_same_revision_conflict_visibly(svc: Services) -> None:
    ctx = svc.ctx
    created = await directory.create(ctx, "ed1", point())
    first = await directory.update_point(ctx, "ed1", created["id"], 1, point(phone="06 111 2222"))
    assert first["revision"] == 2 and first["phone"] == "06 111 2222"
    with pytest.raises(directory.PointConflict) as refused:
        await directory.update_point(ctx, "sup2", created["id"], 1, point(phone="06 999 9999"))
    assert refused.value.http_status == 409
    assert refused.value.details()["current"]["phone"] == "06 111 2222"
    assert "ed1" in refused.value.message
    with pytest.raises(directory.PointConflict):
        await directory.delete_point(ctx, "sup2", created["id"], 1)
    await directory.delete_point(ctx, "sup2", created["id"], 2)
    assert (await directory.list_points(ctx))["items"] == []
    actions = [i["action"] for i in (await directory.history(ctx, created["id"]))["items"]]
    assert actions == ["delete", "update", "create"]


async def test_unknown_ids_are_404(svc: Services) -> None:
    ctx = svc.ctx
    for ident in ("nosuchpoint", "x" * 200, "../../etc"):
        with pytest.raises(NotFound):
            await directory.get_point(ctx, ident)
        with pytest.raises(NotFound):
            await directory.update_point(ctx, "ed1", ident, 1, point())
        with pytest.raises(NotFound):
            await directory.delete_point(ctx, "ed1", ident, None)


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"name_fi": ""}, "name_fi", "required"),
    ({"name_fi": "x" * 201}, "name_fi", "too_long"),
    ({"municipality": "Atlantis"}, "municipality", "unknown_municipality"),
    ({"municipality": ""}, "municipality", "required"),
    ({"type": "spaceport"}, "type", "unknown_type"),
    ({"web": "http://www.example.fi"}, "web", "bad_web"),
    ({"web": "javascript:alert(1)"}, "web", "bad_web"),
    ({"phone": "call me"}, "phone", "bad_phone"),
    ({"languages": "fi,de"}, "languages", "bad_languages"),
    ({"address": "line\nbreak"}, "address", "control"),
    ({"hours_fi": "ma\x00pe"}, "hours_fi", "control"),
    ({"name_sv": "=HYPERLINK(\"https://evil\")"}, "name_sv", "formula"),
    ({"name_fi": 12}, "name_fi", "not_text"),
])
async def test_bad_values_are_refused_per_field(svc: Services, changes: dict[str, object],
                                                field: str, code: str) -> None:
    with pytest.raises(PointInvalid) as refused:
        await directory.create(svc.ctx, "ed1", point(**changes))
    assert refused.value.http_status == 422
    assert {(e["field"], e["code"]) for e in refused.value.errors} == {(field, code)}
    assert (await directory.list_points(svc.ctx))["items"] == []


async def test_markup_in_texts_is_stored_as_text(svc: Services) -> None:
    created = await directory.create(svc.ctx, "ed1", point(name_fi=XSS, address=XSS[:200]))
    stored = await directory.get_point(svc.ctx, created["id"])
    assert stored["name"]["fi"] == XSS and stored["address"] == XSS[:200]


async def test_the_bot_gets_the_municipalitys_points_and_the_places_with_points(
        svc: Services) -> None:
    ctx = svc.ctx
    assert await directory_bot.bot_directory(ctx, "Seinäjoki", "fi") == ((), ())
    await directory.create(ctx, "ed1", point())
    await directory.create(ctx, "ed1", point(type="food_aid", name_fi="Ruoka-apu"))
    await directory.create(ctx, "ed1", point(municipality="Vaasa", name_fi="Vaasan asema"))
    here, places = await directory_bot.bot_directory(ctx, "seinäjoki", "fi")
    assert {p.type for p in here} == {"health_station", "food_aid"}
    assert places == ("Seinäjoki", "Vaasa")  # most points first
    _, swedish = await directory_bot.bot_directory(ctx, None, "sv")
    assert swedish == ("Seinäjoki", "Vasa")
    found = await directory_bot.lookup(ctx, "Vasa", "health_station", "sv")
    assert [(p.name["fi"], p.municipality) for p in found] == [("Vaasan asema", "Vasa")]
    assert await directory_bot.lookup(ctx, "Kemi", "health_station", "fi") == []


async def test_a_directory_button_stores_a_valid_municipality_on_the_chat(svc: Services) -> None:
    ctx = svc.ctx
    chat_id = await svc.chat()
    chat = await svc.load(chat_id)
    for text in ('/service_directory{"municipality": "Atlantis"}', "/service_directory",
                 '/service_directory{"municipality": "-"}', "Seinäjoki", "/greet"):
        await directory_bot.remember_municipality(ctx, chat, text)
        assert (await svc.load(chat_id)).municipality is None
    await directory_bot.remember_municipality(
        ctx, chat, '/service_directory{"municipality": "Vasa", "type": "food_aid"}')
    stored: Chat = await svc.load(chat_id)
    assert stored.municipality == "Vaasa"
