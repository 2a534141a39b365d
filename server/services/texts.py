"""System messages shown to residents, in Finnish (plain language), Swedish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "queued": {
        "fi": "Siirrän sinut jonoon. Työntekijä vastaa sinulle pian. Voit kirjoittaa asiasi "
              "jo nyt.",
        "sv": "Du står nu i kö. En medarbetare svarar dig snart. Du kan redan skriva ditt ärende.",
        "en": "You are now in the queue. A staff member will answer you soon. You can already "
              "write what your matter is about.",
    },
    "queued_priority": {
        "fi": "Siirrän sinut jonon kärkeen. Työntekijä vastaa sinulle niin pian kuin voi.",
        "sv": "Du flyttas först i kön. En medarbetare svarar dig så snart som möjligt.",
        "en": "You are now first in the queue. A staff member will answer you as soon as "
              "possible.",
    },
    "queued_nobody": {
        "fi": "Olet jonossa. Juuri nyt kukaan työntekijä ei ole paikalla. Työntekijä vastaa, kun "
              "hän tulee töihin. Voit odottaa tai palata myöhemmin. Hätätilanteessa soita tai "
              "tekstaa 112.",
        "sv": "Du står i kö. Just nu finns ingen medarbetare på plats. En medarbetare svarar när "
              "hen kommer i tjänst. Du kan vänta eller komma tillbaka senare. I en nödsituation "
              "ring eller sms:a 112.",
        "en": "You are in the queue. Right now no staff member is on duty. A staff member will "
              "answer when they start work. You can wait or come back later. In an emergency "
              "call or text 112.",
    },
    "queued_priority_nobody": {
        "fi": "Olet jonon kärjessä. Juuri nyt kukaan työntekijä ei ole paikalla. Työntekijä "
              "vastaa heti, kun hän tulee töihin. Jos olet vaarassa, soita tai tekstaa 112.",
        "sv": "Du står först i kön. Just nu finns ingen medarbetare på plats. En medarbetare "
              "svarar så fort hen kommer i tjänst. Om du är i fara, ring eller sms:a 112.",
        "en": "You are first in the queue. Right now no staff member is on duty. A staff member "
              "will answer as soon as they start work. If you are in danger, call or text 112.",
    },
    "closed_abandoned": {
        "fi": "Et ole enää jonossa, koska olit pitkään poissa chatista. Voit aloittaa uuden "
              "keskustelun milloin vain.",
        "sv": "Du står inte längre i kön, eftersom du var borta från chatten länge. Du kan "
              "starta en ny chatt när som helst.",
        "en": "You are no longer in the queue, because you were away from the chat for a long "
              "time. You can start a new chat at any time.",
    },
    "closed_idle": {
        "fi": "Keskustelu päättyi, koska siinä ei ollut pitkään uusia viestejä. Voit aloittaa "
              "uuden keskustelun milloin vain.",
        "sv": "Chatten avslutades eftersom inga nya meddelanden kom på länge. Du kan starta en "
              "ny chatt när som helst.",
        "en": "The chat ended because there were no new messages for a long time. You can start "
              "a new chat at any time.",
    },
    "closed_hours": {
        "fi": "Työntekijät eivät ole nyt paikalla. Chat on auki: {hours}. Voit palata silloin. "
              "Hätätilanteessa soita tai tekstaa 112.",
        "sv": "Medarbetarna är inte på plats nu. Chatten är öppen: {hours}. Kom tillbaka då. "
              "I en nödsituation ring eller sms:a 112.",
        "en": "No staff are available now. The chat is staffed: {hours}. Please come back "
              "then. In an emergency call or text 112.",
    },
    # Routing between service queues (issue 13).
    "choose_service": {
        "fi": "Mikä palvelu voi auttaa sinua? Valitse alta.",
        "sv": "Vilken tjänst kan hjälpa dig? Välj nedan.",
        "en": "Which service can help you? Choose below.",
    },
    "closed_service": {
        "fi": "{service} ei ole nyt auki. Se on auki: {hours}. Hätätilanteessa soita tai "
              "tekstaa 112.",
        "sv": "{service} är inte öppen nu. Den är öppen: {hours}. I en nödsituation ring eller "
              "sms:a 112.",
        "en": "{service} is not open now. It is open: {hours}. In an emergency call or text 112.",
    },
    "open_now": {
        "fi": "Nämä palvelut ovat auki nyt: {services}.",
        "sv": "De här tjänsterna är öppna nu: {services}.",
        "en": "These services are open now: {services}.",
    },
    "moved_to_service": {
        "fi": "Keskustelusi siirtyi palveluun {service}. Siellä työntekijä jatkaa keskustelua. "
              "Viestisi ovat tallessa.",
        "sv": "Chatten flyttades till tjänsten {service}. En medarbetare där fortsätter. Dina "
              "meddelanden finns kvar.",
        "en": "Your chat moved to the service {service}. A staff member there will continue. "
              "Your messages are kept.",
    },
    "already_queued": {
        "fi": "Olet jo jonossa. Työntekijä vastaa pian.",
        "sv": "Du står redan i kön. En medarbetare svarar snart.",
        "en": "You are already in the queue. A staff member will answer soon.",
    },
    "joined": {
        "fi": "{name} tuli keskusteluun.",
        "sv": "{name} har anslutit till chatten.",
        "en": "{name} joined the chat.",
    },
    "staff_disconnected": {
        "fi": "Työntekijän yhteys katkesi. Olet taas jonon kärjessä. Seuraava vapaa työntekijä "
              "jatkaa keskustelua. Viestisi ovat tallessa.",
        "sv": "Medarbetarens anslutning bröts. Du står först i kön igen. Nästa lediga "
              "medarbetare fortsätter. Dina meddelanden finns kvar.",
        "en": "The staff member's connection was lost. You are first in the queue again. "
              "The next free staff member will continue. Your messages are kept.",
    },
    "transferred": {
        "fi": "Keskustelu siirtyy toiselle työntekijälle. Odota hetki.",
        "sv": "Chatten flyttas till en annan medarbetare. Vänta en stund.",
        "en": "The chat is being transferred to another staff member. Please wait a moment.",
    },
    "requeued": {
        "fi": "Keskustelu siirtyi takaisin jonoon. Seuraava vapaa työntekijä jatkaa.",
        "sv": "Chatten flyttades tillbaka till kön. Nästa lediga medarbetare fortsätter.",
        "en": "The chat went back to the queue. The next free staff member will continue.",
    },
    "closed_by_staff": {
        "fi": "Työntekijä lopetti keskustelun. Kiitos yhteydenotosta. Voit antaa palautetta.",
        "sv": "Medarbetaren avslutade chatten. Tack för att du tog kontakt. Du kan ge respons.",
        "en": "The staff member ended the chat. Thank you for contacting us. You can give "
              "feedback.",
    },
    # Seen by both sides (the resident who ended it and the staff member): neutral and true.
    "closed_by_resident": {
        "fi": "Keskustelu päättyi.",
        "sv": "Chatten har avslutats.",
        "en": "The chat has ended.",
    },
}


def text(key: str, lang: str, **values: str) -> str:
    variants = TEXTS[key]
    return variants.get(lang, variants["fi"]).format(**values)
