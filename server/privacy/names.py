"""Person names introduced by a phrase ("nimeni on", "jag heter", "my name is", signatures,
"X täällä", "this is X") or following a role word ("sosiaalityöntekijäni X Y").

This is the rule layer; it catches lower-case and inflected names after the phrase too.
"""

from __future__ import annotations

import re

Span = tuple[str, int, int]

_WORD = r"[A-Za-zÅÄÖåäöÉéÜü][\wÅÄÖåäö'-]*"
_CAP = r"[A-ZÅÄÖÉÜ][\wÅÄÖåäö'-]*"
_STOP = {"ja", "ei", "on", "oon", "olen", "och", "är", "and", "is", "täällä", "here", "speaking",
         "tarvitsen", "soitin", "en", "jag", "i", "the", "a", "ett", "mutta", "but", "men",
         "nyt", "vaan", "asun", "bor", "live", "from", "kotoisin"}
_INTRO = re.compile(
    r"(?i:\b(?:nimeni on|minun nimeni on|mun nimi on|nimi on|jag heter|mitt namn är|"
    r"my name is|this is|i am called|terveisin|t\.|ystävällisin terveisin|hälsningar|mvh|"
    r"regards|best wishes|br)\s*,?\s+)(" + _WORD + r"(?:\s+" + _WORD + r")?)")
_CAP_INTRO = re.compile(r"(?i:\b(?:olen|mä oon|mää oon|minä olen|jag är|i am|i'm)\s+)("
                        + _CAP + r"(?:\s+" + _CAP + r")?)")
_SELF = re.compile(r"\b(" + _CAP + r"(?:\s+" + _CAP + r")?),?\s+(?:täällä|här|here)\b")
_ROLE = re.compile(
    r"(?i:\b(?:\w*(?:työntekijä|ohjaaja|hoitaja|lääkäri|terapeutti|kuraattori|handläggare|"
    r"läkare|kurator|worker|nurse|doctor|counsellor|poika|tytär|äiti|isä|vaimo|mies|"
    r"son|dotter|mamma|pappa|daughter|mother|father)\w{0,4})\s+)(" + _CAP + r"(?:\s+" + _CAP + r")?)")


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    kept = []
    for s, e in words:
        if text[s:e].lower().strip(",.") in _STOP or text[s].isdigit():
            break
        kept.append((s, e))
    if not kept:
        return None
    s, e = kept[0][0], kept[-1][1]
    while e > s and text[e - 1] in ",.!?":
        e -= 1
    return (s, e) if e > s else None


def find(text: str) -> list[Span]:
    spans: list[Span] = []
    for pattern in (_INTRO, _CAP_INTRO, _SELF, _ROLE):
        for m in pattern.finditer(text):
            cut = _trim(text, m.start(1), m.end(1))
            if cut:
                spans.append(("NAME", *cut))
    return spans
