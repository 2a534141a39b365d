"""Dialogue policy from rules.yml: intent -> actions, and the built-in actions' behaviour."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.api import BotContext, BotReply, BotTurn
from bot.catalogue import FALLBACK_INTENT, SAFETY_INTENTS
from bot.engine import directory
from bot.engine.engine import Engine, Parse
from bot.engine.facts import fill


@dataclass
class _Turn:
    replies: list[BotReply] = field(default_factory=list)
    handoff: bool = False
    safety: bool = False


def render(engine: Engine, name: str, ctx: BotContext) -> BotReply | None:
    """One response in the chat's language, placeholders filled, or None if undefined."""
    variants = engine.project.variants(name, ctx.lang)
    if not variants:
        return None
    variant = variants[0]
    values: Mapping[str, str] = {**engine.facts.resolve(ctx.lang, ctx.facts),
                                 "service_hours": ctx.service_hours_text}
    return BotReply(fill(variant.text, values), variant.buttons)


def greet(engine: Engine, ctx: BotContext) -> BotTurn:
    reply = render(engine, "utter_greet", ctx)
    return BotTurn(replies=(reply,) if reply else (), intent="greet", confidence=1.0)


def respond(engine: Engine, parse: Parse, ctx: BotContext, text: str = "") -> BotTurn:
    """The turn for a parsed message (`text` is the message itself: the service directory's
    answer reads its payload or keywords)."""
    intent = parse.intent
    if intent == "affirm" and ctx.fallback_streak >= 2:
        intent = "request_human"  # "yes" to "would you like to talk to a person?"
    if parse.safety or intent in engine.project.safety_intents:
        actions = ["action_safety"]
    else:
        actions = engine.project.rules.get(intent) or ["action_fallback"]
    turn = _Turn()
    if actions == [f"utter_{directory.DIRECTORY_INTENT}"]:
        replies, general = directory.answer(text, ctx)
        turn.replies.extend(replies)
        actions = actions if general else []
    for action in actions:
        _run(engine, action, intent, ctx, turn)
    streak = ctx.fallback_streak + 1 if intent == FALLBACK_INTENT else 0
    return BotTurn(replies=tuple(turn.replies), intent=intent, confidence=parse.confidence,
                   handoff=turn.handoff, safety=turn.safety, fallback_streak=streak)


def _say(engine: Engine, name: str, ctx: BotContext, turn: _Turn) -> None:
    reply = render(engine, name, ctx)
    if reply is not None:
        turn.replies.append(reply)


def handoff_responses(ctx: BotContext, safety: bool) -> tuple[str, bool]:
    """The access/handoff response and whether the chat is queued, for the three true cases:
    in service hours with staff on duty, in service hours with nobody on duty (the chat is
    still queued, and the text says nobody reads it now), and out of service hours.
    Shared by the embedded policy and the Rasa custom actions (bot/actions/actions.py)."""
    if not ctx.in_service_hours:
        return ("utter_safety_out_of_hours" if safety else "utter_handoff_out_of_hours"), False
    if not ctx.staff_on_duty:
        return ("utter_handoff_priority_no_staff" if safety else "utter_handoff_no_staff"), True
    return ("utter_handoff_priority" if safety else "utter_handoff"), True


def _run(engine: Engine, action: str, intent: str, ctx: BotContext, turn: _Turn) -> None:
    if action == "action_safety":
        turn.safety = True
        own = f"utter_{intent}"
        marked = intent in engine.project.safety_intents and own in engine.project.responses
        _say(engine, own if intent in SAFETY_INTENTS or marked else "utter_emergency", ctx, turn)
        _say(engine, "utter_emergency_access", ctx, turn)
        name, turn.handoff = handoff_responses(ctx, safety=True)
        _say(engine, name, ctx, turn)
    elif action == "action_handoff":
        name, turn.handoff = handoff_responses(ctx, safety=False)
        _say(engine, name, ctx, turn)
    elif action == "action_fallback":
        name = "utter_fallback_offer_human" if ctx.fallback_streak >= 1 else "utter_ask_rephrase"
        _say(engine, name, ctx, turn)
    else:
        _say(engine, action, ctx, turn)
