"""A compact lemmatiser built from simplemma's dictionaries at training time.

simplemma's full Finnish dictionary takes seconds and hundreds of MB to load. A word whose
lemma never occurs in the training data cannot add a word feature anyway, so at training time
we keep only the dictionary entries whose lemma occurs in the training vocabulary. The result
is pickled with the model: the server starts fast and small, and inflected forms such as
"toimeentulotukea" still map to "toimeentulotuki".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory

LANG_ORDER: tuple[str, ...] = ("fi", "sv", "en")


class _Full:
    """simplemma with one shared dictionary cache (each language is loaded once)."""

    def __init__(self) -> None:
        self.factory = DefaultDictionaryFactory()
        self.lemmatizer = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=self.factory))

    def lemma(self, token: str, lang: str) -> str:
        try:
            return str(self.lemmatizer.lemmatize(token, lang=(lang,)))
        except (ValueError, KeyError):
            return token

    def raw_dictionary(self, lang: str) -> Mapping[bytes, bytes] | None:
        try:
            dictionary: Any = self.factory.get_dictionary(lang)
        except Exception:  # an unexpected simplemma version: keep the training pairs only
            return None
        raw = getattr(dictionary, "_dict", None)
        return raw if isinstance(raw, dict) else None


class Lemmatiser:
    def __init__(self, tables: dict[str, dict[str, str]]) -> None:
        self.tables = tables

    @classmethod
    def build(cls, tokens: Iterable[tuple[str, str]]) -> Lemmatiser:
        """`tokens`: (token, lang) pairs of the training data."""
        full = _Full()
        tables: dict[str, dict[str, str]] = {lang: {} for lang in LANG_ORDER}
        for token, lang in set(tokens):
            if lang in tables and len(token) >= 3 and not token.isdigit():
                tables[lang][token] = full.lemma(token, lang)
        for lang, table in tables.items():
            wanted = {lemma.encode() for lemma in table.values()}
            raw = full.raw_dictionary(lang)
            if raw is None:
                continue
            for form, lemma in raw.items():
                if lemma in wanted:
                    table.setdefault(form.decode(), lemma.decode())
        return cls(tables)

    def lemma(self, token: str, lang: str | None) -> str:
        if len(token) < 3 or token.isdigit():
            return token
        order = (lang, *(x for x in LANG_ORDER if x != lang)) if lang in LANG_ORDER else LANG_ORDER
        for code in order:
            found = self.tables[code].get(token)
            if found is not None:
                return found
        return token

    def size(self) -> int:
        return sum(len(t) for t in self.tables.values())
