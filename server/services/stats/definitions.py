"""Every statistic's definition, written once, in the three UI languages. The API returns
them with the figures and the page shows each one next to its chart and table."""

from __future__ import annotations

DEFINITIONS: dict[str, dict[str, str]] = {
    "chats_per_day": {
        "fi": "Keskustelut sen päivän mukaan, jona ne alkoivat (Suomen aikaa). Jokainen päättynyt "
              "keskustelu lasketaan kerran, vaikka sen tila olisi muuttunut monta kertaa.",
        "sv": "Chattar enligt den dag de började (finsk tid). Varje avslutad chatt räknas en gång, "
              "även om dess läge ändrades många gånger.",
        "en": "Chats by the day they started (Finnish time). Every ended chat counts once, "
              "however many times it changed state.",
    },
    "heatmap": {
        "fi": "Alkaneet keskustelut viikonpäivän ja tunnin mukaan (Suomen aikaa), suluissa jonosta "
              "poistuneet. Toinen taulukko: montako työntekijää oli keskimäärin paikalla ja "
              "vapaana samoina tunteina (tarkistettu kerran minuutissa). Kieli- ja kuntarajaus "
              "ei koske työntekijöitä.",
        "sv": "Påbörjade chattar per veckodag och timme (finsk tid), inom parentes de som lämnade "
              "kön. Den andra tabellen: hur många medarbetare som i genomsnitt var på plats och "
              "lediga samma timmar (kontrollerat en gång i minuten). Språk- och kommunfiltret "
              "gäller inte medarbetarna.",
        "en": "Chats started by weekday and hour (Finnish time); in brackets, those abandoned in "
              "the queue. The second table: how many workers were on duty and available on "
              "average in the same hours (checked once a minute). The language and municipality "
              "filters do not apply to workers.",
    },
    "wait": {
        "fi": "Jonotusaika: jonoon pääsystä siihen, kun työntekijä otti keskustelun. Mediaani (p50) "
              "ja 90. persentiili (p90) niistä keskusteluista, jotka joku otti; botin vastaukset "
              "eivät ole vastauksia.",
        "sv": "Kötid: från kön till att en medarbetare tog chatten. Median (p50) och 90:e "
              "percentilen (p90) av de chattar som någon tog; botens svar räknas inte.",
        "en": "Queue wait: from joining the queue until a worker accepted the chat. Median (p50) "
              "and 90th percentile (p90) of the chats someone accepted; bot replies never count.",
    },
    "containment": {
        "fi": "Botti hoiti: keskustelut, joissa ei pyydetty ihmistä. Siirtyi ihmiselle: ihmistä "
              "pyydettiin (työntekijä otti tai asukas poistui jonosta). Yhteensä 100 % kaikista "
              "keskusteluista, jotka botti aloitti.",
        "sv": "Boten klarade: chattar där ingen människa begärdes. Till en människa: en människa "
              "begärdes (en medarbetare tog chatten eller invånaren lämnade kön). Tillsammans "
              "100 % av alla chattar som boten började.",
        "en": "Bot contained: chats without a request for a person. Handed off: a person was "
              "requested (a worker accepted it, or the resident left the queue). Together 100 % "
              "of the chats the bot started.",
    },
    "first_contact": {
        "fi": "Ratkesi ensimmäisellä yhteydellä: työntekijän merkintä 'ratkesi' niistä "
              "keskusteluista, jotka ihminen hoiti.",
        "sv": "Löst vid första kontakten: medarbetarens markering 'löst' bland chattar som en "
              "människa hanterade.",
        "en": "First-contact resolution: the worker's outcome 'solved at first contact' among "
              "the chats a person handled.",
    },
    "topics": {
        "fi": "Aihe: mitä botti tunnisti keskustelun aiheeksi. Työntekijän aiheet: aiheet, jotka "
              "työntekijä merkitsi (yksi keskustelu voi saada monta).",
        "sv": "Ämne: det ämne boten kände igen. Medarbetarens ämnen: ämnen som medarbetaren "
              "markerade (en chatt kan få flera).",
        "en": "Topic: what the bot recognised as the chat's topic. Worker's topics: the topics "
              "the worker tagged (one chat can have several).",
    },
    "outcomes": {
        "fi": "Lopputulos: työntekijän merkintä tai järjestelmän syy (asukas poistui jonosta, "
              "keskustelu oli toimeton). Ei merkintää: botin hoitamat ja merkitsemättömät.",
        "sv": "Utfall: medarbetarens markering eller systemets orsak (invånaren lämnade kön, "
              "chatten var inaktiv). Ingen markering: botens och omarkerade chattar.",
        "en": "Outcome: the worker's tag or the system's reason (left the queue, idle chat). "
              "None: chats the bot handled and untagged chats.",
    },
    "feedback": {
        "fi": "Palautteen arvosanat 1–5. Tyytyväisyys (CSAT) on arvosanojen 4–5 osuus "
              "annetuista arvosanoista; vastausaste on palautteen antaneiden osuus kaikista "
              "keskusteluista.",
        "sv": "Responsens betyg 1–5. Nöjdhet (CSAT) är andelen betyg 4–5 av alla betyg; "
              "svarsfrekvensen är andelen chattar med respons.",
        "en": "Feedback scores 1–5. CSAT is the share of 4–5 among the scores given; the "
              "response rate is the share of chats that got a score.",
    },
    "abandoned": {
        "fi": "Jonosta poistuneet: ihmistä pyydettiin, mutta kukaan ei ottanut keskustelua "
              "ennen kuin se päättyi.",
        "sv": "Lämnade kön: en människa begärdes, men ingen tog chatten innan den slutade.",
        "en": "Abandoned in the queue: a person was requested but nobody accepted the chat "
              "before it ended.",
    },
    "weekly": {
        "fi": "Viime viikko (ma–su) verrattuna sitä edeltävään. Osuuksien muutos "
              "prosenttiyksikköinä (%-yks.).",
        "sv": "Förra veckan (mån–sön) jämfört med veckan före. Andelarnas förändring i "
              "procentenheter (p.e.).",
        "en": "Last week (Mon–Sun) against the week before. Changes in shares in percentage "
              "points (pp).",
    },
    "phone": {
        "fi": "Puhelut: esihenkilön lataamat päivittäiset puhelumäärät (CSV), alkaneiden "
              "keskustelujen rinnalla.",
        "sv": "Samtal: dagliga samtalsantal som en förman laddat upp (CSV), bredvid "
              "påbörjade chattar.",
        "en": "Calls: daily phone-call counts a supervisor uploaded (CSV), beside the chats "
              "started.",
    },
    "suppression": {
        "fi": "<5 = alle viisi. .. = piilotettu, jotta pientä lukua ei voi laskea summasta. "
              "Kunnat, aiheet ja kaikki alle viiden solut piilotetaan.",
        "sv": "<5 = färre än fem. .. = dolt så att ett litet tal inte kan räknas ut ur summan. "
              "Kommuner, ämnen och alla celler under fem döljs.",
        "en": "<5 = fewer than five. .. = hidden so that a small number cannot be worked out "
              "from the total. Municipalities, topics and every cell under five are hidden.",
    },
}


def definitions(lang: str) -> dict[str, str]:
    return {key: texts.get(lang, texts["en"]) for key, texts in DEFINITIONS.items()}
