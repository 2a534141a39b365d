"""The service directory's vocabulary, shared by the bot and the server (which imports it:
`bot/` never imports `server/`): the fixed service types with their names and keywords,
the answer texts (`service_types.yml`), the intent, and the button payloads.

A directory payload is a Rasa-style intent payload with entities:
`/service_directory{"municipality": "Seinäjoki", "type": "health_station"}`. The engine reads
the intent (everything before `{`); the server stores a chosen municipality on the chat, and
the bot's answer reads the type from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.engine.normalise import clean, fold

DIRECTORY_INTENT = "service_directory"
TYPES_FILE = Path(__file__).resolve().parent / "service_types.yml"
LANG_CODES = ("fi", "sv", "en")
# A municipality the resident chose as "none of these": the bot gives the general answer.
OTHER = "-"
MAX_PAYLOAD_CHARS = 300


@dataclass(frozen=True)
class Vocabulary:
    names: dict[str, dict[str, str]]  # type -> lang -> name
    keywords: dict[str, dict[str, tuple[str, ...]]]  # type -> lang -> folded keywords
    texts: dict[str, dict[str, Any]]  # lang -> key -> text

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.names)

    def name(self, kind: str, lang: str) -> str:
        names = self.names.get(kind, {})
        return names.get(lang) or names.get("fi") or kind

    def text(self, lang: str, key: str) -> Any:
        return (self.texts.get(lang) or self.texts["fi"]).get(key) or self.texts["fi"][key]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    doc = yaml.safe_load(TYPES_FILE.read_text(encoding="utf-8"))
    names: dict[str, dict[str, str]] = {}
    keywords: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, spec in doc["types"].items():
        names[str(kind)] = {lang: str(spec["name"][lang]) for lang in LANG_CODES}
        keywords[str(kind)] = {lang: tuple(_folded(str(k)) for k in spec["keywords"].get(lang, []))
                               for lang in LANG_CODES}
    return Vocabulary(names, keywords, dict(doc["texts"]))


def service_types() -> tuple[str, ...]:
    """The type codes, in the order of the data file."""
    return vocabulary().types


def _folded(text: str) -> str:
    return fold(clean(text).lower())


def detect_type(text: str, lang: str) -> str | None:
    """The type a question is about: the type of the longest keyword found in it (keywords
    of the chat's language first, then any language), or None."""
    folded = _folded(text)
    vocab = vocabulary()
    for langs in ((lang,), LANG_CODES):
        best: tuple[int, str] | None = None
        for kind, by_lang in vocab.keywords.items():
            for code in langs:
                for word in by_lang.get(code, ()):
                    if word and word in folded and (best is None or len(word) > best[0]):
                        best = (len(word), kind)
        if best is not None:
            return best[1]
    return None


def payload(municipality: str | None = None, kind: str | None = None) -> str:
    """A button payload that asks the directory again with these choices."""
    entities = {k: v for k, v in (("municipality", municipality), ("type", kind)) if v}
    if not entities:
        return f"/{DIRECTORY_INTENT}"
    return f"/{DIRECTORY_INTENT}" + json.dumps(entities, ensure_ascii=False)


def parse_payload(text: str) -> dict[str, str] | None:
    """The entities of a directory payload (possibly empty), or None when `text` is not one.
    Only short string values of `municipality` and `type` are kept."""
    stripped = text.strip()
    head = f"/{DIRECTORY_INTENT}"
    if not stripped.startswith(head) or len(stripped) > MAX_PAYLOAD_CHARS:
        return None
    rest = stripped[len(head):].strip()
    if not rest:
        return {}
    try:
        data = json.loads(rest)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value.strip() for key, value in data.items()
            if key in ("municipality", "type") and isinstance(value, str)
            and 0 < len(value.strip()) <= 100}
