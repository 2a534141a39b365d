"""The anonymiser's interface: find entities, mask them with typed placeholders."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass

from server.privacy import names, structured, tagger


@dataclass(frozen=True)
class Entity:
    type: str  # HETU, PHONE, EMAIL, IBAN, ADDRESS, POSTCODE, NAME, PLATE, ID
    start: int
    end: int


_RANK = {"KEEP": 0, "HETU": 1, "HETU_SHAPED": 1, "IBAN": 1, "EMAIL": 1, "ADDRESS": 2, "PHONE": 3}


class Anonymiser:
    """Detectors for structured identifiers and introduced names.

    `keep` lists numbers that are never masked (the county's own service numbers, e.g. the
    values of NEUVO_COUNTY_FACTS); helplines (112, 116 xxx, 0800, MIELI) are always kept.
    """

    def __init__(self, keep: Iterable[str] = ()) -> None:
        self._keep = structured.keep_digits(keep)

    def find(self, text: str, lang: str = "fi") -> list[Entity]:
        names_found = [_extend(text, span) for span in names.find(text) + tagger.find(text, lang)]
        spans = structured.find(text, self._keep) + names_found
        chosen: list[Entity] = []
        # Kept numbers first, then validated types, then longest: overlaps never both survive.
        for kind, start, end in sorted(spans, key=lambda s: (_RANK.get(s[0], 9), -(s[2] - s[1]), s[1])):
            if all(end <= e.start or start >= e.end for e in chosen):
                chosen.append(Entity("ID" if kind == "HETU_SHAPED" else kind, start, end))
        return sorted((e for e in chosen if e.type != "KEEP"), key=lambda e: e.start)

    def mask(self, text: str, lang: str = "fi") -> tuple[str, list[Entity]]:
        entities = self.find(text, lang)
        out, pos = [], 0
        for entity in entities:
            out.append(text[pos:entity.start])
            out.append(f"<{entity.type}>")
            pos = entity.end
        out.append(text[pos:])
        return "".join(out), entities


_NEXT_CAP = re.compile(r"\s+[A-ZÅÄÖÉÜ][a-zåäöéü'-]+")


def _extend(text: str, span: tuple[str, int, int]) -> tuple[str, int, int]:
    """A first name followed by a capitalised word: the surname goes too ("Timo Peltolalle")."""
    kind, start, end = span
    if " " not in text[start:end]:
        m = _NEXT_CAP.match(text, end)
        if m:
            return kind, start, m.end()
    return span


_DEFAULT: Anonymiser | None = None


def anonymise(text: str, lang: str = "fi") -> str:
    """The text with personal details replaced by typed placeholders (`<HETU>`, `<NAME>` …)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Anonymiser()
    return _DEFAULT.mask(text, lang)[0]


async def anonymise_off_loop(text: str, lang: str = "fi") -> str:
    """`anonymise` in a worker thread: the name model's first load (or training, about 5 s
    on a machine without its cache) must never stall other chats."""
    return await asyncio.to_thread(anonymise, text, lang)


def warm_up() -> None:
    """Load (or train and cache) the name models; the server runs this in a thread at start."""
    tagger.warm_up()
