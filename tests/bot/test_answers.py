"""Every answer, as residents see it: each intent's whole turn rendered in fi/sv/en, with empty
and with configured county facts, in service hours with and without staff on duty and out of
hours (issue 17, issue 9 items 2 and 6).

Checked: no repeated sentence across the turn, no unfilled placeholder, safety turns give 112
and the text-message route first and never a web site; the access/handoff texts are true for
each case; outdated facts do not come back.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest

from bot.api import BotContext, BotTurn, Lang
from bot.catalogue import ALL_INTENTS, SAFETY_INTENTS
from bot.embedded import EmbeddedBot
from bot.engine import policy
from tests.bot.conftest import make_ctx

LANG_LIST: tuple[Lang, ...] = ("fi", "sv", "en")
# (in service hours, staff on duty): the three true cases of the access texts.
CASES = ((True, True), (True, False), (False, True))


def configured_facts(bot: EmbeddedBot) -> dict[str, str]:
    """A value for every county fact key, as a county would configure them."""
    keys = sorted(bot.engine().facts.keys)
    values = {k: f"06 100 {i:04d}" for i, k in enumerate(keys)}
    values.update(county_website="https://www.example-hyvinvointialue.fi",
                  lahitori_places="Lähitori Keskusta, Kauppakatu 1", chat_retention="12 kk",
                  food_aid_places="Diakoniatoimisto, Kirkkokatu 2",
                  digital_support_places="Kaupunginkirjasto, Kirjastokatu 3")
    return values


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[\"'(0-9A-ZÅÄÖ])", text) if s.strip()]


def turns(bot: EmbeddedBot) -> Iterator[tuple[str, BotContext, BotTurn]]:
    configured = configured_facts(bot)
    for intent, lang, facts, (in_hours, staff) in itertools.product(
            ALL_INTENTS, LANG_LIST, ({}, configured), CASES):
        ctx = make_ctx(lang, in_hours=in_hours, facts=facts, staff_on_duty=staff)
        yield intent, ctx, bot.respond_sync(f"/{intent}", ctx)
    for lang, streak in itertools.product(LANG_LIST, (0, 1)):
        ctx = make_ctx(lang, streak=streak)
        yield "nlu_fallback", ctx, bot.respond_sync("qwzx vbnm", ctx)
    for lang in LANG_LIST:
        ctx = make_ctx(lang)
        yield "greet", ctx, policy.greet(bot.engine(), ctx)


@pytest.fixture(scope="module")
def all_turns(bot: EmbeddedBot) -> list[tuple[str, BotContext, BotTurn]]:
    return list(turns(bot))


def _where(intent: str, ctx: BotContext) -> str:
    return (f"{intent} {ctx.lang} facts={'configured' if ctx.facts else 'empty'} "
            f"in_hours={ctx.in_service_hours} staff={ctx.staff_on_duty}")


def test_no_sentence_is_repeated_within_a_turn(all_turns: list[tuple[str, BotContext, BotTurn]]) -> None:
    for intent, ctx, turn in all_turns:
        seen: set[str] = set()
        for reply in turn.replies:
            for sentence in sentences(reply.text):
                key = " ".join(sentence.casefold().split())
                assert key not in seen, f"{_where(intent, ctx)}: repeated {sentence!r}"
                seen.add(key)


def test_no_unfilled_or_empty_placeholder(all_turns: list[tuple[str, BotContext, BotTurn]]) -> None:
    for intent, ctx, turn in all_turns:
        assert turn.replies, _where(intent, ctx)
        for reply in turn.replies:
            assert not re.search(r"\{\w*\}", reply.text), (_where(intent, ctx), reply.text)
            assert not re.search(r":\s*[.,]|:\s*$", reply.text), (_where(intent, ctx), reply.text)


TEXT_ROUTE = {"fi": "tekstiviesti numeroon 112", "sv": "sms till 112", "en": "text message to 112"}
WEB = re.compile(r"website|web site|verkkosivu|nettisivu|webbplats|webbsida", re.IGNORECASE)


def test_every_safety_turn_gives_112_and_the_text_route_and_no_web_site(
        all_turns: list[tuple[str, BotContext, BotTurn]]) -> None:
    for intent, ctx, turn in all_turns:
        if intent not in SAFETY_INTENTS:
            continue
        where = _where(intent, ctx)
        joined = " ".join(r.text for r in turn.replies)
        assert turn.safety, where
        assert "112" in turn.replies[0].text, where  # emergency guidance first
        assert TEXT_ROUTE[ctx.lang] in joined, where
        assert not WEB.search(joined), (where, joined)
        assert turn.handoff == ctx.in_service_hours, where  # queued in hours, even with nobody on duty


NOBODY = {"fi": "kukaan työntekijä", "sv": "ingen medarbetare", "en": "no staff member"}
# Promises that are false when nobody is on duty (issue 9 item 2) or several chats wait first.
FALSE_PROMISES = ("heti työntekijälle", "Olet jonossa ensimmäisenä", "Du är först i kön",
                  "You are first in the queue", "connecting you to a staff member now",
                  "varattu", "upptagna", "busy")


@pytest.mark.parametrize("lang", LANG_LIST)
@pytest.mark.parametrize("intent", ["request_human", "crisis_suicide", "domestic_violence"])
def test_three_true_access_texts(bot: EmbeddedBot, lang: Lang, intent: str) -> None:
    on_duty = bot.respond_sync(f"/{intent}", make_ctx(lang, in_hours=True))
    nobody = bot.respond_sync(f"/{intent}", make_ctx(lang, in_hours=True, staff_on_duty=False))
    closed = bot.respond_sync(f"/{intent}", make_ctx(lang, in_hours=False))
    assert on_duty.handoff and nobody.handoff and not closed.handoff
    last = {name: t.replies[-1].text for name, t in
            (("on_duty", on_duty), ("nobody", nobody), ("closed", closed))}
    assert NOBODY[lang] not in last["on_duty"].lower()
    assert NOBODY[lang] in last["nobody"].lower() and NOBODY[lang] in last["closed"].lower()
    assert make_ctx(lang).service_hours_text in last["closed"]
    assert len({last["on_duty"], last["nobody"], last["closed"]}) == 3
    for text in last.values():
        for promise in FALSE_PROMISES:
            assert promise not in text, (intent, lang, promise)
    if intent in SAFETY_INTENTS:  # still the emergency guidance first, then the honest status
        assert "112" in nobody.replies[0].text and nobody.safety


@pytest.mark.parametrize("lang", LANG_LIST)
def test_nobody_ever_invited_to_keep_writing_to_an_unread_chat(bot: EmbeddedBot, lang: Lang) -> None:
    for in_hours, staff in ((True, False), (False, True)):
        turn = bot.respond_sync("/crisis_suicide", make_ctx(lang, in_hours=in_hours, staff_on_duty=staff))
        joined = " ".join(r.text for r in turn.replies)
        for invite in ("Voit kirjoittaa tänne koko ajan", "pysyy auki", "skriva här hela tiden",
                       "chatten är öppen", "keep writing here", "stays open"):
            assert invite not in joined


def _answer(bot: EmbeddedBot, intent: str, lang: Lang, facts: dict[str, str] | None = None) -> str:
    turn = bot.respond_sync(f"/{intent}", make_ctx(lang, facts=facts))
    return " ".join(r.text for r in turn.replies)


FACTS: dict[str, dict[Lang, tuple[str, ...]]] = {
    # 17.1 text message to 112 without registration; what to write first; the app is a voice call
    "emergency": {
        "fi": ("tarvitse rekisteröityä", "kunta ja osoite", "ettet voi kuulla tai puhua", "hätäpuhelun"),
        "sv": ("inte registrera dig", "kommun och adress", "inte kan höra eller tala", "nödsamtal"),
        "en": ("do not need to register", "municipality and address", "cannot hear or speak",
               "emergency call")},
    # 17.5 the 24/7 Finnish line for everyone, limited lines said to be limited, chat, emergency dept
    "crisis_suicide": {
        "fi": ("09 2525 0111", "ympäri vuorokauden", "vain tiettyinä aikoina", "kriisichat", "päivystykseen"),
        "sv": ("09 2525 0111", "dygnet runt", "bara vissa tider", "krischatt", "jourmottagning"),
        "en": ("09 2525 0111", "around the clock", "only at certain times", "crisis chat",
               "emergency department")},
    "mental_health_services": {
        "fi": ("09 2525 0111", "ympäri vuorokauden", "vain tiettyinä aikoina", "kriisichat", "päivystykseen"),
        "sv": ("09 2525 0111", "dygnet runt", "bara vissa tider", "krischatt", "jourmottagning"),
        "en": ("09 2525 0111", "around the clock", "only at certain times", "crisis chat",
               "emergency department")},
    # 17.6 poison centre, also for oneself; CPR guidance by 112
    "acute_substance": {
        "fi": ("0800 147 111", "Myrkytystietokeskus", "itse ottanut liikaa", "elvyttämään", "kylkiasentoon"),
        "sv": ("0800 147 111", "Giftinformationscentralen", "själv har tagit för mycket",
               "hjärt-lungräddning"),
        "en": ("0800 147 111", "Poison Information Centre", "taken too much yourself", "CPR")},
    # 17.7 116 006 is not 24/7; Seri support centres
    "crime_victim": {
        "fi": ("116 006", "arkisin", "ei ympäri vuorokauden", "Seri-tukikeskukseen"),
        "sv": ("116 006", "vardagar", "inte dygnet runt", "Seri-stödcenter"),
        "en": ("116 006", "weekdays", "not around the clock", "Seri support centre")},
    # 17.8 Nollalinja's chat, Swedish name Nollinjen
    "domestic_violence": {
        "fi": ("080 005 005", "Nollalinja", "chat"),
        "sv": ("080 005 005", "Nollinjen", "chatt"),
        "en": ("080 005 005", "Nollalinja", "chat")},
    # 17.9 professionals must report (25 §), non-urgent route, MLL 116 111
    "child_welfare_concern": {
        "fi": ("pakko tehdä ilmoitus", "25 §", "ei ole kiireellinen", "116 111"),
        "sv": ("måste enligt lag", "25 §", "inte är brådskande", "116 111"),
        "en": ("must make a report by law", "section 25", "not urgent", "116 111")},
    # 17.12 social credit is statutory in every county since 1.8.2023
    "social_credit": {
        "fi": ("Kaikilla hyvinvointialueilla", "1.8.2023"),
        "sv": ("Alla välfärdsområden", "1.8.2023"),
        "en": ("Every county", "1 August 2023")},
    # 17.14 accessibility feedback; AVI became Lupa- ja valvontavirasto on 1.1.2026
    "feedback_complaint": {
        "fi": ("vaikea käyttää", "Lupa- ja valvontavirastoon"),
        "sv": ("svår att använda", "Tillstånds- och tillsynsverket"),
        "en": ("hard to use", "Lupa- ja valvontavirasto")},
    "interpreting": {
        "fi": ("kuulovamma", "kuulonäkövamma", "puhevamma", "Hae ensin"),
        "sv": ("hörselskada", "dövblindhet", "talskada", "Ansök först"),
        "en": ("hearing impairment", "deafblindness", "speech impairment", "First apply")},
}
OUTDATED: dict[str, tuple[str, ...]] = {
    "*": ("ennakkorekisteröi", "registrerat dig i förväg", "registration in advance",
          "Käytä 112 Suomi", "använd appen 112 Suomi", "use the 112 Suomi app", "AVI", "aluehallinto",
          "regionförvaltningsverk", "Regional State Administrative", "harkinnan mukaan",
          "enligt prövning", "Linjen Nollalinja"),
    "income_support_supplementary": ("muutto", "lääkekulu", "flytt", "läkemedel", "moving", "medicine"),
    "social_credit": ("Osa hyvinvointialueista", "En del välfärdsområden", "Some counties"),
    "privacy_data": ("kuka on katsonut", "vem som har läst", "who has viewed"),
    # 17.13: no emergency boilerplate in money and housing answers
    "income_support_urgent": ("Hätätilanteessa", "nödsituation", "In an emergency"),
    "eviction_homelessness": ("Hätätilanteessa", "nödsituation", "In an emergency"),
    "housing_advice": ("Hätätilanteessa", "nödsituation", "In an emergency"),
}


@pytest.mark.parametrize("intent", sorted(FACTS))
@pytest.mark.parametrize("lang", LANG_LIST)
def test_facts_checked_by_the_domain_review(bot: EmbeddedBot, intent: str, lang: Lang) -> None:
    text = _answer(bot, intent, lang)
    for fact in FACTS[intent][lang]:
        assert fact in text, (intent, lang, fact)


def test_outdated_facts_do_not_come_back(bot: EmbeddedBot) -> None:
    for intent, lang in itertools.product(ALL_INTENTS, LANG_LIST):
        text = _answer(bot, intent, lang)
        for old in OUTDATED["*"] + OUTDATED.get(intent, ()):
            assert not re.search(rf"\b{re.escape(old)}", text), (intent, lang, old)


def test_one_name_for_the_social_emergency_service(bot: EmbeddedBot) -> None:
    other = {"fi": re.compile(r"(?<!- ja kriisi)(?<!Sosiaali- ja kriisi)\bsosiaalipäivystyk", re.I),
             "sv": re.compile(r"\bsocialjour", re.I),
             "en": re.compile(r"(?<!and crisis )\bsocial emergency service", re.I)}
    for intent, lang in itertools.product(ALL_INTENTS, LANG_LIST):
        assert not other[lang].search(_answer(bot, intent, lang)), (intent, lang)
