"""Intents in the draft: list, the per-intent view, save with a revision check, create,
rename (Rasa's naming rules; rules, buttons and the intent's own response follow) and
delete (refused while other rules or buttons refer to it)."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

from bot import content as bot_content
from bot.catalogue import SAFETY_INTENTS
from bot.engine.project import SAFETY_ACTION
from bot.engine.validate import REQUIRED_INTENTS
from server import vocabulary
from server.services.content.store import Change, Draft, change_draft, changed_langs, read_draft
from server.services.context import ServiceContext
from server.services.errors import Conflict, InvalidInput, NotFound
from server.store.models import utcnow

LANGS = vocabulary.LANGS
NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
RESERVED_PREFIXES = ("nlu_", "utter_", "action_", "session_", "restart", "back")
MAX_INTENTS = 300


class IntentConflict(Conflict):
    """The intent changed since the editor loaded it: `current` is the other's version."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current

    def details(self) -> dict[str, Any]:
        return {"current": self.current}


def check_name(name: str) -> None:
    if not NAME.match(name):
        raise InvalidInput("an intent name has 2–64 characters: lowercase letters a–z, digits "
                           "and underscores, starting with a letter (Rasa's naming rules)")
    if name.startswith(RESERVED_PREFIXES):
        raise InvalidInput(f"intent names may not start with {', '.join(RESERVED_PREFIXES)} "
                           "(Rasa reserves them)")


def _own_rule(rule: Any, intent: str) -> bool:
    """The intent's own answer rule: `intent: X` followed only by `action: utter_X` (or by
    `action: action_safety` when it is marked as a safety intent)."""
    steps = rule.get("steps") if isinstance(rule, dict) else None
    return (isinstance(steps, list) and len(steps) == 2 and steps[0] == {"intent": intent}
            and steps[1] in ({"action": bot_content.response_name(intent)},
                             {"action": SAFETY_ACTION}))


def _rule_intents(rule: Any) -> set[str]:
    steps = rule.get("steps") if isinstance(rule, dict) else None
    return {str(s["intent"]) for s in steps or [] if isinstance(s, dict) and "intent" in s}


def referrers(content: bot_content.Content, intent: str) -> dict[str, list[str]]:
    """Rules (other than the intent's own answer rule) and buttons that refer to `intent`."""
    rules = [str(r.get("rule", "?")) for r in content["rules"]
             if intent in _rule_intents(r) and not _own_rule(r, intent)]
    buttons = []
    for name, variants in content["responses"].items():
        for v in variants:
            for b in v.get("buttons") or []:
                if str(b.get("payload", "")).lstrip("/").split("{")[0] == intent:
                    buttons.append(f"{name} ({bot_content.variant_lang(v)}): {b.get('title')}")
    return {"rules": rules, "buttons": buttons}


def _responses(content: bot_content.Content, intent: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {lang: [] for lang in LANGS}
    for v in content["responses"].get(bot_content.response_name(intent), []):
        out.setdefault(bot_content.variant_lang(v), []).append(
            {"text": v.get("text", ""), "buttons": [{"title": str(b.get("title", "")),
                                                     "payload": str(b.get("payload", ""))}
                                                    for b in v.get("buttons") or []]})
    return out


def view(draft: Draft, intent: str) -> dict[str, Any]:
    content = draft.content
    if intent not in content["intents"]:
        raise NotFound(f"no intent '{intent}' in the draft")
    examples = content["examples"].get(intent, {})
    return {
        "name": intent, "revision": draft.revision(intent),
        "safety": intent in bot_content.safety_intents(content),
        "catalogue_safety": intent in SAFETY_INTENTS, "required": intent in REQUIRED_INTENTS,
        "examples": {lang: list(examples.get(lang, [])) for lang in LANGS},
        "responses": _responses(content, intent),
        "response_name": bot_content.response_name(intent),
        "used_by": referrers(content, intent),
        "last_change": draft.changed.get(intent),
    }


def summary(draft: Draft) -> list[dict[str, Any]]:
    out = []
    safe = bot_content.safety_intents(draft.content)
    for intent in draft.content["intents"]:
        examples = draft.content["examples"].get(intent, {})
        langs = {bot_content.variant_lang(v) for v in
                 draft.content["responses"].get(bot_content.response_name(intent), [])}
        actions = [str(step["action"]) for rule in draft.content["rules"]
                   if intent in _rule_intents(rule)
                   for step in rule.get("steps") or [] if "action" in step]
        out.append({"name": intent, "revision": draft.revision(intent),
                    "safety": intent in safe,
                    "actions": [a for a in actions if not a.startswith("utter_")],
                    "examples": {lang: len(examples.get(lang, [])) for lang in LANGS},
                    "responses": {lang: lang in langs for lang in LANGS},
                    "last_change": draft.changed.get(intent)})
    return out


async def list_intents(ctx: ServiceContext) -> dict[str, Any]:
    draft = await read_draft(ctx)
    return {"items": summary(draft), "based_on": draft.based_on}


async def get_intent(ctx: ServiceContext, intent: str) -> dict[str, Any]:
    return view(await read_draft(ctx), intent)


def check_revision(draft: Draft, intent: str, revision: int) -> None:
    if intent not in draft.content["intents"]:
        raise NotFound(f"no intent '{intent}' in the draft")
    if draft.revision(intent) != revision:
        changed = draft.changed.get(intent) or {}
        raise IntentConflict(
            f"'{intent}' was changed by {changed.get('by', 'another editor')} after you opened "
            "it; compare with their version and save again", view(draft, intent))


def _describe(old: dict[str, Any], examples: dict[str, list[str]] | None,
              responses: dict[str, list[dict[str, Any]]] | None) -> str:
    parts = []
    for lang, texts in (examples or {}).items():
        before, after = Counter(old["examples"].get(lang, [])), Counter(texts)
        added, removed = sum((after - before).values()), sum((before - after).values())
        if added or removed:
            parts.append(f"{lang} examples +{added} −{removed}")
    for lang, variants in (responses or {}).items():
        if variants != old["responses"].get(lang, []):
            parts.append(f"{lang} response")
    return ", ".join(parts) or "no change"


async def save_intent(ctx: ServiceContext, staff: str, intent: str, revision: int,
                      examples: dict[str, list[str]] | None,
                      responses: dict[str, list[dict[str, Any]]] | None) -> dict[str, Any]:
    """Replace the examples and/or response variants of the languages given."""
    def apply(draft: Draft) -> list[Change]:
        check_revision(draft, intent, revision)
        before = view(draft, intent)
        content = draft.content
        for lang, texts in (examples or {}).items():
            content["examples"].setdefault(intent, {})[lang] = _dedupe(texts)
        if responses:
            old = copy.deepcopy(content["responses"].get(bot_content.response_name(intent), []))
            name = bot_content.response_name(intent)
            kept = [v for v in content["responses"].get(name, [])
                    if bot_content.variant_lang(v) not in responses]
            for lang in LANGS:
                for v in responses.get(lang, []):
                    kept.append(bot_content.make_variant(lang, v["text"], v.get("buttons", [])))
            if kept:
                content["responses"][name] = kept
            else:
                content["responses"].pop(name, None)
            now = utcnow().isoformat()
            for lang in changed_langs({"responses": {name: old}}, content, intent):
                draft.stamp_answer(intent, lang, now)
        return [Change(intent, "update", _describe(before, examples, responses))]

    return view(await change_draft(ctx, staff, apply), intent)


def _dedupe(texts: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for text in (t.strip() for t in texts):
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


async def create_intent(ctx: ServiceContext, staff: str, name: str) -> dict[str, Any]:
    """A new intent with its own answer rule (`utter_NAME`, written next)."""
    check_name(name)

    def apply(draft: Draft) -> list[Change]:
        content = draft.content
        if name in content["intents"] or bot_content.response_name(name) in content["responses"]:
            raise Conflict(f"an intent '{name}' exists already")
        if len(content["intents"]) >= MAX_INTENTS:
            raise InvalidInput(f"at most {MAX_INTENTS} intents")
        content["intents"].append(name)
        content["examples"][name] = {}
        content["rules"].append({"rule": f"answer {name}", "steps": [
            {"intent": name}, {"action": bot_content.response_name(name)}]})
        return [Change(name, "create", "created")]

    return view(await change_draft(ctx, staff, apply), name)


async def rename_intent(ctx: ServiceContext, staff: str, old: str, revision: int,
                        new: str) -> dict[str, Any]:
    check_name(new)
    if old in REQUIRED_INTENTS:
        raise InvalidInput(f"'{old}' cannot be renamed: the bot's safety and handoff use it")

    def apply(draft: Draft) -> list[Change]:
        check_revision(draft, old, revision)
        content = draft.content
        if new in content["intents"] or bot_content.response_name(new) in content["responses"]:
            raise Conflict(f"an intent '{new}' exists already")
        content["intents"] = [new if i == old else i for i in content["intents"]]
        content["examples"][new] = content["examples"].pop(old, {})
        old_resp, new_resp = bot_content.response_name(old), bot_content.response_name(new)
        if old_resp in content["responses"]:
            content["responses"][new_resp] = content["responses"].pop(old_resp)
        touched = _rename_references(content, old, new)
        draft.move(old, new)
        return [Change(new, "rename", f"renamed from {old}"),
                *(Change(i, "update", f"button renamed {old} → {new}") for i in sorted(touched))]

    return view(await change_draft(ctx, staff, apply), new)


def _rename_references(content: bot_content.Content, old: str, new: str) -> set[str]:
    """Rules and button payloads follow a rename; returns the intents whose answer changed."""
    old_resp, new_resp = bot_content.response_name(old), bot_content.response_name(new)
    for rule in content["rules"]:
        if rule.get("rule") == f"answer {old}":
            rule["rule"] = f"answer {new}"
        for step in rule.get("steps") or []:
            if step.get("intent") == old:
                step["intent"] = new
            if step.get("action") == old_resp:
                step["action"] = new_resp
    touched: set[str] = set()
    for name, variants in content["responses"].items():
        for v in variants:
            for b in v.get("buttons") or []:
                payload = str(b.get("payload", ""))
                if payload.lstrip("/").split("{")[0] == old:
                    b["payload"] = "/" + new + payload.lstrip("/")[len(old):]
                    if name.startswith("utter_") and name[6:] in content["intents"]:
                        touched.add(name[6:])
    return touched


async def delete_intent(ctx: ServiceContext, staff: str, intent: str, revision: int) -> None:
    if intent in REQUIRED_INTENTS:
        raise InvalidInput(f"'{intent}' cannot be deleted: the bot's safety and handoff use it")

    def apply(draft: Draft) -> list[Change]:
        check_revision(draft, intent, revision)
        content = draft.content
        used = referrers(content, intent)
        if used["rules"] or used["buttons"]:
            listing = "; ".join([*(f"rule '{r}'" for r in used["rules"]),
                                 *(f"button {b}" for b in used["buttons"])])
            raise Conflict(f"'{intent}' is still used: {listing}. Remove these first.")
        content["intents"].remove(intent)
        content["examples"].pop(intent, None)
        content["responses"].pop(bot_content.response_name(intent), None)
        content["rules"] = [r for r in content["rules"] if not _own_rule(r, intent)]
        return [Change(intent, "delete", "deleted")]

    await change_draft(ctx, staff, apply)
