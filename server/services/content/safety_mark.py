"""Marking an intent as a safety intent: its own rule runs `action_safety` instead of its
answer, so the bot gives the emergency guidance first (its own answer, which must name 112,
then how to reach help without calling) and queues the chat with priority, as for the
catalogue's seven safety intents. That representation is plain Rasa (a rule), so it survives
the export and import. The catalogue's safety intents cannot be unmarked; conversational
intents cannot be marked. Publishing a change to the set needs a second editor (gate.py)."""

from __future__ import annotations

from typing import Any

from bot import content as bot_content
from bot.catalogue import CONVERSATION_INTENTS, FALLBACK_INTENT, SAFETY_INTENTS
from bot.engine.project import SAFETY_ACTION
from server.services.content import intents
from server.services.content.store import Change, Draft, change_draft
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, NotFound


def _own_rule(content: bot_content.Content, intent: str) -> dict[str, Any] | None:
    for rule in content["rules"]:
        steps = rule.get("steps") if isinstance(rule, dict) else None
        if isinstance(steps, list) and len(steps) == 2 and steps[0] == {"intent": intent}:
            return dict(rule)
    return None


async def set_safety(ctx: ServiceContext, staff: str, intent: str, revision: int,
                     safety: bool) -> dict[str, Any]:
    def apply(draft: Draft) -> list[Change]:
        content = draft.content
        if intent not in content["intents"]:
            raise NotFound(f"no intent '{intent}' in the draft")
        intents.check_revision(draft, intent, revision)
        if intent in SAFETY_INTENTS:
            raise InvalidInput(f"'{intent}' is one of the catalogue's safety intents; it "
                               "always is one")
        if intent in CONVERSATION_INTENTS or intent == FALLBACK_INTENT:
            raise InvalidInput(f"'{intent}' is a conversational intent; it cannot be a "
                               "safety intent")
        answer = bot_content.response_name(intent)
        if not safety and answer not in content["responses"]:
            raise InvalidInput("write the intent's answer first")
        action = SAFETY_ACTION if safety else answer
        rule = _own_rule(content, intent)
        if rule is None:
            content["rules"].append({"rule": f"answer {intent}", "steps": [
                {"intent": intent}, {"action": action}]})
        else:
            index = content["rules"].index(rule)
            content["rules"][index] = {**rule, "steps": [{"intent": intent},
                                                          {"action": action}]}
        return [Change(intent, "update", "marked as a safety intent" if safety
                       else "no longer a safety intent")]

    return intents.view(await change_draft(ctx, staff, apply), intent)
