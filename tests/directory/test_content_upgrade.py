"""An installation whose published content predates the `service_directory` intent gets it
at start as a system version (recorded in the history, added to the draft), once; an intent
an editor deleted is not brought back."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from server.services.content import store, upgrade
from server.store.models_content import ContentChange, ContentVersion
from tests.services.conftest import Services

NAME = "service_directory"


def without(content: dict[str, Any], name: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(content))
    out["intents"].remove(name)
    out["examples"].pop(name)
    out["responses"].pop(f"utter_{name}")
    out["rules"] = [r for r in out["rules"] if {"intent": name} not in r["steps"]]
    return out


async def _old_installation(svc: Services) -> dict[str, Any]:
    """Version 1 as an older release imported it (without the intent), draft likewise."""
    await store.ensure_initial(svc.ctx)
    shipped = await store.version_content(svc.ctx, 1)
    assert shipped is not None and NAME in shipped["intents"]
    old = without(shipped, NAME)
    async with svc.ctx.db.write() as session:
        row = await session.get(ContentVersion, 1)
        assert row is not None
        row.content = json.dumps(old, ensure_ascii=False)
    await store.reset_draft(svc.ctx, "system", old, 1)
    return old


async def test_a_missing_catalogue_intent_is_published_once(svc: Services) -> None:
    old = await _old_installation(svc)
    async with svc.ctx.db.write() as session:  # the draft's own history is not about NAME
        for change in await session.scalars(select(ContentChange)):
            if change.intent == NAME:
                await session.delete(change)
    version = await upgrade.add_missing_intents(svc.ctx)
    assert version == 2
    content = await store.version_content(svc.ctx, 2)
    assert content is not None and NAME in content["intents"]
    assert len(content["examples"][NAME]["fi"]) >= 20
    assert f"utter_{NAME}" in content["responses"]
    assert any({"intent": NAME} in r["steps"] for r in content["rules"])
    assert set(old["intents"]) < set(content["intents"])  # nothing else changed
    row = await store.version_row(svc.ctx, 2)
    assert row is not None and row.created_by == "system" and NAME in row.note
    history = await store.changes_for(svc.ctx, NAME)
    assert [(c.action, c.staff, c.version) for c in history] == [("import", "system", 2)]
    assert NAME in (await store.read_draft(svc.ctx)).content["intents"]
    assert await upgrade.add_missing_intents(svc.ctx) is None  # once
    assert await store.latest_version(svc.ctx) == 2


async def test_an_intent_an_editor_deleted_is_not_brought_back(svc: Services) -> None:
    await _old_installation(svc)
    async with svc.ctx.db.write() as session:
        session.add(ContentChange(intent=NAME, action="delete", summary="not used here",
                                  staff="editor1"))
    assert await upgrade.add_missing_intents(svc.ctx) is None
    assert await store.latest_version(svc.ctx) == 1


async def test_a_fresh_installation_needs_nothing(svc: Services) -> None:
    await store.ensure_initial(svc.ctx)
    assert await upgrade.add_missing_intents(svc.ctx) is None
    assert await store.latest_version(svc.ctx) == 1
