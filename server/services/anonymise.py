"""Remove what identifies a person from a text before colleagues see it (consultations).

Rule-based and conservative: it replaces identity codes, phone numbers, e-mail addresses,
IBANs, street addresses, long digit runs (customer and case numbers) and names introduced
by common phrases ("nimeni on", "jag heter", "my name is", signatures). It cannot know
every name: staff are told to check the excerpt, and the anonymised text is what they see
before anyone else does.
"""

from __future__ import annotations

import re

# Finnish personal identity code: DDMMYY, century sign, 3 digits, check character.
_HETU = re.compile(r"\b\d{6}\s?[-+A-FU-Ya-fu-y]\s?\d{3}[0-9A-Ya-y]\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().-]{5,18}\d(?!\w)")
_STREET = re.compile(
    r"\b[A-ZÅÄÖ][\wåäöÅÄÖ-]*(?:katu|tie|kuja|polku|väylä|raitti|ranta|kaari|rinne|"
    r"puisto|tori|gatan|vägen|gränd|stigen|street|road|avenue)\s+\d+(?:\s?[A-Za-z])?"
    r"(?:\s?\d+)?(?:\s?(?:as\.?|bst\.?|lgh\.?)\s?\d+)?\b")
_NAME_INTRO = re.compile(
    r"(?i:\b(nimeni on|minun nimeni on|mun nimi on|mä oon|mää oon|olen|minä olen|"
    r"terveisin|t\.|jag heter|mitt namn är|hälsningar|my name is|i am|i'm|regards|"
    r"best wishes)\s+)([A-ZÅÄÖ][\wåäöÅÄÖ-]+(?:\s+[A-ZÅÄÖ][\wåäöÅÄÖ-]+)?)")
_LONG_NUMBER = re.compile(r"\b\d{6,}\b")

PLACEHOLDERS = {
    "hetu": "[henkilötunnus]", "email": "[sähköposti]", "iban": "[tilinumero]",
    "phone": "[puhelin]", "street": "[osoite]", "name": "[nimi]", "number": "[numero]",
}


def anonymise(text: str) -> str:
    """The text with personal details replaced by bracketed placeholders."""
    text = _HETU.sub(PLACEHOLDERS["hetu"], text)
    text = _EMAIL.sub(PLACEHOLDERS["email"], text)
    text = _IBAN.sub(PLACEHOLDERS["iban"], text)
    text = _STREET.sub(PLACEHOLDERS["street"], text)
    text = _PHONE.sub(_phone, text)
    text = _NAME_INTRO.sub(lambda m: m.group(1) + " " + PLACEHOLDERS["name"], text)
    return _LONG_NUMBER.sub(PLACEHOLDERS["number"], text)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    # Dates ("24.12.2026") and times are not phone numbers.
    if digits < 7 or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", match.group(0).strip()):
        return match.group(0)
    return PLACEHOLDERS["phone"]
