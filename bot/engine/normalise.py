"""Text normalisation suited to Finnish (and Swedish/English) chat messages.

Residents type spoken Finnish, dialect, typos, no diacritics on a phone keyboard, emoji and
sometimes pasted markup. Two views of a message are produced:
- `clean`: Unicode-normalised, lowercased, control characters and markup removed;
- `fold`: `clean` with diacritics folded (ä→a, ö→o, å→a, é→e), so "lahitori" matches "lähitori".
`tokens` gives word tokens with common spoken forms mapped to the standard form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_CHARS = 1000  # the classifier looks at the beginning; the safety layer scans everything

_TAG = re.compile(r"<[^>]{0,200}>")
_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_APOSTROPHE = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^\w\s\-./]", re.UNICODE)
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+(?:[-.]\w+)*")

# Spoken and dialect forms -> standard Finnish (folded). Char n-grams cover most typos;
# this list covers the frequent short forms whose n-grams differ too much.
SPOKEN: dict[str, str] = {
    "mää": "minä", "mä": "minä", "mie": "minä", "mun": "minun", "mul": "minulla",
    "mulla": "minulla", "mua": "minua", "mut": "minut", "mulle": "minulle", "multa": "minulta",
    "sää": "sinä", "sä": "sinä", "sie": "sinä", "sun": "sinun", "sulla": "sinulla", "sulle": "sinulle",
    "oon": "olen", "oot": "olet", "ollu": "ollut", "oo": "ole", "ois": "olisi", "olis": "olisi",
    "ku": "kun", "ny": "nyt", "tää": "tämä", "miks": "miksi", "onks": "onko", "ootko": "oletko",
    "haluun": "haluan", "tarviin": "tarvitsen", "pitäis": "pitäisi", "kans": "kanssa",
    "kaa": "kanssa", "jotai": "jotain", "sossu": "sosiaalityöntekijä",
    "sossun": "sosiaalityöntekijän", "sossulle": "sosiaalityöntekijälle",
}


@lru_cache(maxsize=4096)
def _fold_chars(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean(text: str, limit: int | None = MAX_CHARS) -> str:
    """Unicode-normalise, lowercase, drop control characters, markup and symbols."""
    text = unicodedata.normalize("NFKC", text or "")
    if limit is not None:
        text = text[:limit]
    text = _CONTROL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _APOSTROPHE.sub("", text.lower())
    text = _NON_WORD.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Diacritics-insensitive form of already cleaned text (ä→a, ö→o, å→a)."""
    return _fold_chars(text)


def tokens(cleaned: str) -> list[str]:
    """Word tokens of cleaned text, spoken forms mapped to standard ones (not folded)."""
    return [SPOKEN.get(tok, tok) for tok in _TOKEN.findall(cleaned)]


def has_letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
