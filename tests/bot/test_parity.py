"""Parity: the same facts in fi, sv and en, and the same behaviour in every runtime.

- Each response names the same phone numbers and the same services in all three languages
  (issue 17: the languages had drifted apart).
- Every fallback path keeps the emergency line (issue 17 item 10).
- The Rasa custom actions choose the same access/handoff texts as the embedded policy, and the
  adapter passes `staff_on_duty` as a slot that domain.yml declares (issue 9 item 2).
"""

from __future__ import annotations

import re
import sys
import types
from typing import Any

import pytest
import yaml

from bot import texts
from bot.api import LANGS, Lang
from bot.embedded import EmbeddedBot
from bot.engine.facts import fill
from bot.engine.loader import DEFAULT_PROJECT
from bot.engine.policy import handoff_responses
from bot.minimal import MinimalBot
from tests.bot.conftest import make_ctx
from tests.bot.test_answers import configured_facts

# Finnish phone numbers as written in the answers (112, 116 006, 0800 147 111, 09 2525 0111),
# not dates (1.1.2025), law numbers (675/2023) or hours (8–16).
PHONE = re.compile(r"(?<![\d.,/])(?:0\d{1,3}(?: \d{3,4}){1,2}|1\d\d(?: \d{3})?)(?!\d|[.,/]\d)")
# Named services: canonical name -> the name in fi, sv, en (regular expressions).
SERVICES: dict[str, tuple[str, str, str]] = {
    "MIELI": (r"\bMIELI\b", r"\bMIELI\b", r"\bMIELI\b"),
    "mieli.fi": (r"mieli\.fi", r"mieli\.fi", r"mieli\.fi"),
    "Nollalinja": (r"\bNollalinja", r"\bNollinjen", r"\bNollalinja"),
    "Rikosuhripäivystys": (r"Rikosuhripäivystys", r"Brottsofferjouren", r"Victim Support Finland"),
    "Seri": (r"\bSeri\b", r"\bSeri\b", r"\bSeri\b"),
    "Myrkytystietokeskus": (r"Myrkytystietokesk", r"Giftinformationscentral", r"Poison Information Centre"),
    "MLL": (r"\bMLL\b", r"\bMLL\b", r"\bMLL\b"),
    "Kela": (r"\bKela", r"\bFPA", r"\bKela"),
    "OmaKela": (r"OmaKela", r"MittFPA", r"OmaKela"),
    "Takuusäätiö": (r"Takuusäätiö", r"Garantistiftelse", r"Takuusäätiö"),
    "Velkalinja": (r"Velkalinja", r"Velkalinja", r"Velkalinja"),
    "Ohjaamo": (r"Ohjaamo", r"Ohjaamo", r"Ohjaamo"),
    "112 Suomi": (r"112 Suomi", r"112 Suomi", r"112 Suomi"),
    "Suomi.fi": (r"Suomi\.fi", r"Suomi\.fi", r"Suomi\.fi"),
    "Työmarkkinatori": (r"Työmarkkinatori", r"Jobbmarknaden", r"Job Market Finland"),
    "Lupa- ja valvontavirasto": (r"Lupa- ja valvontaviras", r"Tillstånds- och tillsynsverket",
                                 r"Lupa- ja valvontavirasto"),
    "sosiaali- ja kriisipäivystys": (r"[Ss]osiaali- ja kriisipäivysty", r"[Ss]ocial- och krisjour",
                                     r"social and crisis emergency service"),
    "lastensuojelulaki": (r"lastensuojelulaki", r"barnskyddslagen", r"Child Welfare Act"),
    "vammaispalvelulaki": (r"vammaispalvelulaki", r"lagen om funktionshinderservice",
                           r"Disability Services Act"),
    "sosiaaliasiavastaava": (r"Sosiaaliasiavastaava", r"Socialombudsman", r"social ombudsman"),
    "turvakoti": (r"Turvakoti", r"skyddshem", r"shelter"),
    "lähitori": (r"Lähitori", r"Närtorget", r"lähitori"),
    "palveluneuvonta": (r"[Pp]alveluneuvon", r"[Ss]ervicerådgivning", r"[Ss]ervice guidance"),
    "aikuissosiaalityö": (r"[Aa]ikuissosiaality", r"[Vv]uxensocialt arbete", r"[Aa]dult social work"),
    "tulkki": (r"tulk", r"tolk", r"interpret"),
}


def facts_of(text: str, lang: Lang) -> tuple[frozenset[str], frozenset[str]]:
    i = LANGS.index(lang)
    phones = frozenset(PHONE.findall(text))
    services = frozenset(name for name, patterns in SERVICES.items() if re.search(patterns[i], text))
    return phones, services


def test_the_extractor_sees_numbers_and_names() -> None:
    phones, services = facts_of("Soita 112. MIELI 09 2525 0111, Myrkytystietokeskus 0800 147 111. "
                                "1.1.2025, laki 675/2023, klo 8–16.", "fi")
    assert phones == {"112", "09 2525 0111", "0800 147 111"}
    assert services == {"MIELI", "Myrkytystietokeskus"}


@pytest.mark.parametrize("facts", ["empty", "configured"])
def test_every_response_names_the_same_numbers_and_services_in_fi_sv_en(bot: EmbeddedBot,
                                                                         facts: str) -> None:
    engine = bot.engine()
    given = configured_facts(bot) if facts == "configured" else {}
    problems = []
    for name in engine.project.responses:
        found = {}
        for lang in LANGS:
            (variant,) = engine.project.variants(name, lang)[:1]
            values = {**engine.facts.resolve(lang, given), "service_hours": "8–16"}
            found[lang] = facts_of(fill(variant.text, values), lang)
        if not found["fi"] == found["sv"] == found["en"]:
            problems.append(f"{name}: {found}")
    assert problems == []


TEXT_ROUTE = {"fi": "tekstaa 112", "sv": "sms:a 112", "en": "text 112"}


@pytest.mark.parametrize("lang", LANGS)
async def test_every_fallback_path_keeps_the_emergency_line(bot: EmbeddedBot, lang: Lang) -> None:
    unavailable = texts.unavailable_turn(lang).replies[0].text
    minimal = (await MinimalBot().respond("mitä kuuluu", make_ctx(lang))).replies[0].text
    first = bot.respond_sync("qwzx vbnm", make_ctx(lang)).replies[0].text
    second = bot.respond_sync("qwzx vbnm", make_ctx(lang, streak=1)).replies[0].text
    for text in (unavailable, minimal, first, second):
        assert TEXT_ROUTE[lang] in text, text


@pytest.fixture
def actions(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """bot/actions/actions.py with a stand-in rasa_sdk (Rasa needs its own Python)."""
    sdk = types.ModuleType("rasa_sdk")
    executor = types.ModuleType("rasa_sdk.executor")

    class Action:
        pass

    sdk.Action, sdk.Tracker = Action, object  # type: ignore[attr-defined]
    executor.CollectingDispatcher = object  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rasa_sdk", sdk)
    monkeypatch.setitem(sys.modules, "rasa_sdk.executor", executor)
    monkeypatch.delitem(sys.modules, "bot.actions.actions", raising=False)
    import bot.actions.actions as module
    return module


class _Tracker:
    def __init__(self, slots: dict[str, Any], intent: str) -> None:
        self.slots = slots
        self.latest_message = {"intent": {"name": intent}}

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


class _Dispatcher:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def utter_message(self, **kwargs: Any) -> None:
        self.messages.append(kwargs)


@pytest.mark.parametrize("in_hours,staff", [(True, True), (True, False), (False, True), (False, False)])
@pytest.mark.parametrize("safety", [True, False])
def test_rasa_actions_choose_the_same_texts_as_the_embedded_policy(
        actions: types.ModuleType, in_hours: bool, staff: bool, safety: bool) -> None:
    ctx = make_ctx("fi", in_hours=in_hours, staff_on_duty=staff)
    expected, handoff = handoff_responses(ctx, safety=safety)
    action = actions.ActionSafety() if safety else actions.ActionHandoff()
    dispatcher = _Dispatcher()
    action.run(dispatcher, _Tracker({"in_service_hours": in_hours, "staff_on_duty": staff},
                                    "crisis_suicide"), {})
    responses = [m["response"] for m in dispatcher.messages if "response" in m]
    signal = next(m["json_message"]["neuvo"] for m in dispatcher.messages if "json_message" in m)
    assert responses[-1] == expected and signal["handoff"] is handoff and signal["safety"] is safety
    if safety:
        assert responses[:2] == ["utter_crisis_suicide", "utter_emergency_access"]


def test_rasa_action_with_the_slot_unset_counts_staff_as_on_duty(actions: types.ModuleType) -> None:
    dispatcher = _Dispatcher()
    actions.ActionHandoff().run(dispatcher, _Tracker({"in_service_hours": True}, "request_human"), {})
    assert dispatcher.messages[0]["response"] == "utter_handoff"


def test_every_slot_the_adapter_sets_is_declared_in_the_domain() -> None:
    domain = yaml.safe_load((DEFAULT_PROJECT / "domain.yml").read_text(encoding="utf-8"))
    slots = domain["slots"]
    assert slots["staff_on_duty"]["type"] == "bool"
    for name, slot in slots.items():
        assert slot["mappings"] == [{"type": "custom"}], name
    from bot.rasa_bot import RasaBot
    bot = RasaBot("http://rasa")
    sent = set(bot._county.resolve("fi")) | {"language", "in_service_hours", "staff_on_duty",
                                              "service_hours", "fallback_streak"}
    assert sent <= set(slots), sent - set(slots)
