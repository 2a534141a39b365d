"""A plain-language check for resident-facing texts (selkokieli / lättläst style).

Reusable by anyone who writes resident texts: the bot content tests (tests/bot), and the
content editor's own check. `check(text, lang)` returns the problems as short English
messages (empty when the text passes); `lix(text)` is the Swedish readability index.

The thresholds and why they were chosen are documented in bot/README.md ("Plain language").
In short:

- A sentence has at most `max_sentence_words` words (Finnish 14, Swedish 18, English 16).
  Selkokeskus advises short sentences with one thing each; Finnish words carry endings that
  other languages spell as separate words, so the same content has fewer Finnish words.
- No word is longer than `max_word_letters` letters (17 in every language; a hyphenated
  compound such as "mielenterveys- ja" or "Suomi.fi-tunnistus" counts per part), except the
  stems in `allowed_long`: the everyday words of this service ("hyvinvointialueelta") and the
  official names a resident must recognise on a form or a sign ("perustoimeentulotuki"),
  matched as stems so that inflected forms pass. 17 letters lets ordinary case forms through
  ("henkilötunnustasi") and stops long compounds such as "ennakkorekisteröinnin" (21), the
  hardest words for readers of plain Finnish.
- Swedish answers have a LIX of at most 50 (LIX = words per sentence + percentage of words
  over six letters; under 30 is very easy, 30–40 easy, 40–50 normal, such as news). The
  official service terms ("utkomststöd", "välfärdsområdet") that every answer must name keep
  short answers in the 40s; anything above 50 is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_sentence_words: int
    max_word_letters: int
    max_lix: float | None = None
    # Stems of official names that may be longer than max_word_letters (lowercase).
    allowed_long: tuple[str, ...] = ()


LIMITS: dict[str, Limits] = {
    "fi": Limits(max_sentence_words=14, max_word_letters=17, allowed_long=(
        # everyday service words of this domain (case endings make them 18-20 letters)
        "hyvinvointialue", "sosiaalipalvelu", "kriisipäivystyk", "aikuissosiaality",
        "palveluneuvon", "päihdepalvelu", "kotoutumispalvelu",
        # official names a resident must recognise on a form, a sign or a web page
        "perustoimeentulotu", "lastensuojeluilmoitu", "lastensuojelula", "myrkytystietokesku",
        "sosiaaliasiavastaa", "oikeusaputoimisto", "vammaispalvelula", "työllisyyspalvelu",
        "rikosuhripäivysty", "työmarkkinator", "työttömyyskass", "tietosuojaselost",
        "ajanvarauskirje",
    )),
    "sv": Limits(max_sentence_words=18, max_word_letters=17, max_lix=50.0, allowed_long=(
        "funktionsnedsättning", "funktionshinderservice", "barnskyddsanmälan",
        "rehabiliteringssyfte", "servicerådgivning", "giftinformationscentral",
        "tillsynsverket", "teckenspråkstolkning", "garantistiftelse", "socialombudsm",
        "dataskyddsbeskrivning", "sysselsättningsområde",
    )),
    # English: the same check, stricter than before the review (sentences of 17+ words).
    "en": Limits(max_sentence_words=16, max_word_letters=17, allowed_long=(
        "rikosuhripäivysty",
    )),
}

# A sentence ends at . ! ? followed by a space and a capital letter, digit or bracket (so
# "1.1.2025", "Suomi.fi" and "ry:n" do not end one).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[0-9A-ZÅÄÖ])")
_LETTER = re.compile(r"[^\W\d_]")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def words(text: str) -> list[str]:
    """Whitespace-separated tokens that contain a letter, without surrounding punctuation."""
    out = []
    for token in text.split():
        token = token.strip(".,;:!?()[]\"'«»–—")
        if _LETTER.search(token):
            out.append(token)
    return out


def letters(word: str) -> int:
    return sum(1 for c in word if _LETTER.match(c))


def word_parts(word: str) -> list[str]:
    """A compound written with hyphens or slashes counts per part ("Suomi.fi-tunnistus")."""
    return [p for p in re.split(r"[-/]", word) if p]


def lix(text: str) -> float:
    """LIX readability index: words per sentence + 100 * share of words over six letters."""
    ws = words(text)
    if not ws:
        return 0.0
    long_words = sum(1 for w in ws if letters(w) > 6)
    return len(ws) / max(1, len(sentences(text))) + 100.0 * long_words / len(ws)


def check(text: str, lang: str) -> list[str]:
    """Plain-language problems in `text` for `lang` (fi, sv or en); [] when it passes."""
    limits = LIMITS.get(lang)
    if limits is None:
        return []
    problems: list[str] = []
    for sentence in sentences(text):
        n = len(words(sentence))
        if n > limits.max_sentence_words:
            problems.append(f"sentence of {n} words (max {limits.max_sentence_words}): {sentence!r}")
    for word in words(text):
        for part in word_parts(word):
            if letters(part) > limits.max_word_letters and not part.lower().startswith(
                    limits.allowed_long):
                problems.append(f"long word ({letters(part)} letters, max "
                                f"{limits.max_word_letters}): {part!r}")
    if limits.max_lix is not None:
        value = lix(text)
        if value > limits.max_lix:
            problems.append(f"LIX {value:.0f} (max {limits.max_lix:.0f})")
    return problems
