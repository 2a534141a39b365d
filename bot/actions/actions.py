"""Custom actions for the Rasa runtime (rasa-sdk; run by `rasa run actions`).

They mirror the embedded engine's built-in actions (bot/engine/policy.py) and tell the Neuvo
adapter about handoff and safety through a custom payload: {"neuvo": {"handoff": bool,
"safety": bool}}. Service hours, language and the fallback streak are slots the adapter sets
before each message, and so is `staff_on_duty` (in service hours: is anyone on duty to read
a queued chat?). The choice of texts is the same as `handoff_responses` in
bot/engine/policy.py (the action server cannot import `bot`, so it is repeated here; a test
keeps the two in step).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

SAFETY_INTENTS = (
    "crisis_suicide", "emergency", "social_emergency", "domestic_violence",
    "child_welfare_concern", "crime_victim", "acute_substance",
)


def handoff_response(in_hours: bool, staff_on_duty: bool, safety: bool) -> tuple[str, bool]:
    """The access/handoff response and whether the chat is queued (see the module docstring)."""
    if not in_hours:
        return ("utter_safety_out_of_hours" if safety else "utter_handoff_out_of_hours"), False
    if not staff_on_duty:
        return ("utter_handoff_priority_no_staff" if safety else "utter_handoff_no_staff"), True
    return ("utter_handoff_priority" if safety else "utter_handoff"), True


def _hours_and_staff(tracker: Tracker) -> tuple[bool, bool]:
    # An unset staff_on_duty slot (an older adapter) counts as on duty, like BotContext's default.
    return bool(tracker.get_slot("in_service_hours")), tracker.get_slot("staff_on_duty") is not False


def _signal(dispatcher: CollectingDispatcher, **flags: Any) -> None:
    dispatcher.utter_message(json_message={"neuvo": flags})


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        in_hours, on_duty = _hours_and_staff(tracker)
        response, handoff = handoff_response(in_hours, on_duty, safety=False)
        dispatcher.utter_message(response=response)
        _signal(dispatcher, handoff=handoff, safety=False, out_of_hours=not in_hours)
        return []


class ActionSafety(Action):
    def name(self) -> str:
        return "action_safety"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # An intent an editor marked as a safety intent (its rule runs this action) gives its
        # own answer when it has one, as the catalogue's do; otherwise the general guidance.
        own = f"utter_{intent}"
        guidance = own if intent in SAFETY_INTENTS or own in (domain.get("responses") or {}) \
            else "utter_emergency"
        dispatcher.utter_message(response=guidance)
        dispatcher.utter_message(response="utter_emergency_access")
        in_hours, on_duty = _hours_and_staff(tracker)
        response, handoff = handoff_response(in_hours, on_duty, safety=True)
        dispatcher.utter_message(response=response)
        _signal(dispatcher, handoff=handoff, safety=True, out_of_hours=not in_hours)
        return []


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        streak = tracker.get_slot("fallback_streak") or 0
        if float(streak) >= 1:
            dispatcher.utter_message(response="utter_fallback_offer_human")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        _signal(dispatcher, fallback=True)
        return []
