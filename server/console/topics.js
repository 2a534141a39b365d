// The bot's intent catalogue (bot/catalogue.py; names fixed by shared/bot-intents.md) with
// labels in the three UI languages. The intents double as the topics of closing tags.

export const SAFETY = [
  "crisis_suicide", "emergency", "social_emergency", "domestic_violence",
  "child_welfare_concern", "crime_victim", "acute_substance",
];
export const SERVICE = [
  "mental_health_services", "substance_services", "income_support_basic",
  "income_support_supplementary", "income_support_preventive", "income_support_processing",
  "income_support_urgent", "debt_advice", "social_credit", "housing_advice",
  "eviction_homelessness", "food_aid", "adult_social_work", "contact_social_worker",
  "service_need_assessment", "privacy_data", "lahitori", "service_guidance",
  "employment_services", "rehabilitative_work", "immigrant_services", "disability_services",
  "informal_care", "kela_general", "interpreting", "young_adults", "relative_worry",
  "feedback_complaint", "digital_support",
];
export const CONVERSATION = [
  "greet", "goodbye", "thanks", "affirm", "deny", "request_human", "bot_challenge",
  "chat_info", "out_of_scope",
];

export const TOPICS = {
  crisis_suicide: { fi: "Itsetuhoisuus, kriisi", sv: "Självmordstankar, kris", en: "Suicidal crisis" },
  emergency: { fi: "Hätätilanne", sv: "Nödsituation", en: "Emergency" },
  social_emergency: { fi: "Sosiaalipäivystys", sv: "Social jour", en: "Social emergency" },
  domestic_violence: { fi: "Lähisuhdeväkivalta", sv: "Våld i nära relationer", en: "Domestic violence" },
  child_welfare_concern: { fi: "Huoli lapsesta", sv: "Oro för ett barn", en: "Child welfare concern" },
  crime_victim: { fi: "Rikoksen uhri", sv: "Brottsoffer", en: "Crime victim" },
  acute_substance: { fi: "Akuutti päihdetilanne", sv: "Akut rusmedelssituation", en: "Acute intoxication" },
  mental_health_services: { fi: "Mielenterveyspalvelut", sv: "Mentalvårdstjänster", en: "Mental health services" },
  substance_services: { fi: "Päihdepalvelut", sv: "Missbrukartjänster", en: "Substance use services" },
  income_support_basic: { fi: "Perustoimeentulotuki", sv: "Grundläggande utkomststöd", en: "Basic social assistance" },
  income_support_supplementary: { fi: "Täydentävä toimeentulotuki", sv: "Kompletterande utkomststöd", en: "Supplementary social assistance" },
  income_support_preventive: { fi: "Ehkäisevä toimeentulotuki", sv: "Förebyggande utkomststöd", en: "Preventive social assistance" },
  income_support_processing: { fi: "Toimeentulotuen käsittelyaika", sv: "Handläggningstid för utkomststöd", en: "Social assistance processing time" },
  income_support_urgent: { fi: "Kiireellinen toimeentulotuki", sv: "Brådskande utkomststöd", en: "Urgent social assistance" },
  debt_advice: { fi: "Talous- ja velkaneuvonta", sv: "Ekonomi- och skuldrådgivning", en: "Debt advice" },
  social_credit: { fi: "Sosiaalinen luototus", sv: "Social kreditgivning", en: "Social credit" },
  housing_advice: { fi: "Asumisneuvonta", sv: "Boenderådgivning", en: "Housing advice" },
  eviction_homelessness: { fi: "Häätö, asunnottomuus", sv: "Vräkning, bostadslöshet", en: "Eviction, homelessness" },
  food_aid: { fi: "Ruoka-apu", sv: "Mathjälp", en: "Food aid" },
  adult_social_work: { fi: "Aikuissosiaalityö", sv: "Socialt arbete för vuxna", en: "Adult social work" },
  contact_social_worker: { fi: "Yhteys sosiaalityöntekijään", sv: "Kontakt med socialarbetare", en: "Contacting a social worker" },
  service_need_assessment: { fi: "Palvelutarpeen arviointi", sv: "Bedömning av servicebehov", en: "Service need assessment" },
  privacy_data: { fi: "Tietosuoja", sv: "Dataskydd", en: "Privacy and data" },
  lahitori: { fi: "Lähitori", sv: "Lähitori (närservice)", en: "Lähitori walk-in advice" },
  service_guidance: { fi: "Palveluneuvonta", sv: "Servicerådgivning", en: "Service guidance" },
  employment_services: { fi: "Työllisyyspalvelut", sv: "Sysselsättningstjänster", en: "Employment services" },
  rehabilitative_work: { fi: "Kuntouttava työtoiminta", sv: "Arbetsverksamhet i rehabiliteringssyfte", en: "Rehabilitative work" },
  immigrant_services: { fi: "Maahanmuuttajien palvelut", sv: "Tjänster för invandrare", en: "Immigrant services" },
  disability_services: { fi: "Vammaispalvelut", sv: "Funktionshinderservice", en: "Disability services" },
  informal_care: { fi: "Omaishoidon tuki", sv: "Stöd för närståendevård", en: "Informal care support" },
  kela_general: { fi: "Kela", sv: "FPA", en: "Kela" },
  interpreting: { fi: "Tulkkaus", sv: "Tolkning", en: "Interpreting" },
  young_adults: { fi: "Nuoret aikuiset", sv: "Unga vuxna", en: "Young adults" },
  relative_worry: { fi: "Huoli läheisestä", sv: "Oro för en anhörig", en: "Worried about a relative" },
  feedback_complaint: { fi: "Palaute, muistutus", sv: "Respons, anmärkning", en: "Feedback, complaint" },
  digital_support: { fi: "Digituki", sv: "Digistöd", en: "Digital support" },
  greet: { fi: "Tervehdys", sv: "Hälsning", en: "Greeting" },
  goodbye: { fi: "Hyvästely", sv: "Avsked", en: "Goodbye" },
  thanks: { fi: "Kiitos", sv: "Tack", en: "Thanks" },
  affirm: { fi: "Myöntävä vastaus", sv: "Jakande svar", en: "Yes" },
  deny: { fi: "Kieltävä vastaus", sv: "Nekande svar", en: "No" },
  request_human: { fi: "Pyysi ihmistä", sv: "Bad om en människa", en: "Asked for a person" },
  bot_challenge: { fi: "Kysyi, onko botti", sv: "Frågade om bot", en: "Asked if a bot" },
  chat_info: { fi: "Chatin tiedot", sv: "Information om chatten", en: "About the chat" },
  out_of_scope: { fi: "Aiheen ulkopuolella", sv: "Utanför ämnet", en: "Out of scope" },
};

// Topics offered when closing a chat: service and safety intents, then "other" — the same
// set as the server's TAG_TOPICS (bot/catalogue.py). Conversational intents (CONVERSATION)
// are labels for the queue and tabs only, never statistics topics.
export const TAG_GROUPS = [
  ["tags_group_service", SERVICE],
  ["tags_group_safety", SAFETY],
];
export const TAG_TOPICS = [...SERVICE, ...SAFETY, "other"];
