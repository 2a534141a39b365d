"""The fixed intent catalogue (names are part of the public contract: tests and statistics)."""

from __future__ import annotations

CONVERSATION_INTENTS: tuple[str, ...] = (
    "greet", "goodbye", "thanks", "affirm", "deny", "request_human", "bot_challenge",
    "chat_info", "out_of_scope",
)
SAFETY_INTENTS: tuple[str, ...] = (
    "crisis_suicide", "emergency", "social_emergency", "domestic_violence",
    "child_welfare_concern", "crime_victim", "acute_substance",
)
# The emergency numbers every answer of a safety intent must contain, in every language
# (../shared/bot-intents.md "Safety intents"); the content editor refuses to publish without
# them. 112 everywhere; the national help lines where the catalogue names one.
SAFETY_NUMBERS: dict[str, tuple[str, ...]] = {
    "crisis_suicide": ("112", "09 2525 0111"),
    "emergency": ("112",),
    "social_emergency": ("112",),
    "domestic_violence": ("112", "080 005 005"),
    "child_welfare_concern": ("112", "116 111"),
    "crime_victim": ("112", "116 006"),
    "acute_substance": ("112", "0800 147 111"),
}
SERVICE_INTENTS: tuple[str, ...] = (
    "mental_health_services", "substance_services", "income_support_basic",
    "income_support_supplementary", "income_support_preventive", "income_support_processing",
    "income_support_urgent", "debt_advice", "social_credit", "housing_advice",
    "eviction_homelessness", "food_aid", "adult_social_work", "contact_social_worker",
    "service_need_assessment", "privacy_data", "lahitori", "service_guidance",
    "employment_services", "rehabilitative_work", "immigrant_services", "disability_services",
    "informal_care", "kela_general", "interpreting", "young_adults", "relative_worry",
    "feedback_complaint", "digital_support",
)
# Answered from the county's service directory (issue 13, bot/engine/directory.py), else
# with the general answer. Not a tag topic: staff tag such chats `service_guidance`.
DIRECTORY_INTENTS: tuple[str, ...] = ("service_directory",)
ALL_INTENTS: tuple[str, ...] = (CONVERSATION_INTENTS + SAFETY_INTENTS + SERVICE_INTENTS
                                + DIRECTORY_INTENTS)
FALLBACK_INTENT = "nlu_fallback"
# Topics staff may tag a closed chat with (statistics): what the chat was about, so the
# safety and service intents, or "other". Conversational intents (greet, affirm, deny,
# request_human…) say how the resident talked, not what about. The console's list
# (server/console/topics.js) must be the same (tests/console/test_close_dialog.py).
TAG_TOPICS: frozenset[str] = frozenset(SAFETY_INTENTS + SERVICE_INTENTS) | {"other"}
