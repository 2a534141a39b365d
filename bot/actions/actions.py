"""Custom actions for the Rasa runtime (rasa-sdk; run by `rasa run actions`).

They mirror the embedded engine's built-in actions (bot/engine/policy.py) and tell the Neuvo
adapter about handoff and safety through a custom payload: {"neuvo": {"handoff": bool,
"safety": bool}}. Service hours, language and the fallback streak are slots the adapter sets
before each message.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

SAFETY_INTENTS = (
    "crisis_suicide", "emergency", "social_emergency", "domestic_violence",
    "child_welfare_concern", "crime_victim", "acute_substance",
)


def _signal(dispatcher: CollectingDispatcher, **flags: Any) -> None:
    dispatcher.utter_message(json_message={"neuvo": flags})


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        if tracker.get_slot("in_service_hours"):
            dispatcher.utter_message(response="utter_handoff")
            _signal(dispatcher, handoff=True, safety=False)
        else:
            dispatcher.utter_message(response="utter_handoff_out_of_hours")
            _signal(dispatcher, handoff=False, safety=False, out_of_hours=True)
        return []


class ActionSafety(Action):
    def name(self) -> str:
        return "action_safety"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        guidance = f"utter_{intent}" if intent in SAFETY_INTENTS else "utter_emergency"
        dispatcher.utter_message(response=guidance)
        dispatcher.utter_message(response="utter_emergency_access")
        if tracker.get_slot("in_service_hours"):
            dispatcher.utter_message(response="utter_handoff_priority")
            _signal(dispatcher, handoff=True, safety=True)
        else:
            dispatcher.utter_message(response="utter_safety_out_of_hours")
            _signal(dispatcher, handoff=False, safety=True, out_of_hours=True)
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
