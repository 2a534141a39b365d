"""County facts for response placeholders: configured values, else generic wording."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.api import LANGS

COUNTY_FILE = "county.yml"
# Placeholders filled from the conversation, not from county facts.
CONTEXT_KEYS = frozenset({"service_hours"})
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class CountyFacts:
    configured: dict[str, str] = field(default_factory=dict)
    generic: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> key -> wording

    @property
    def keys(self) -> frozenset[str]:
        keys = set(self.configured)
        for wording in self.generic.values():
            keys |= set(wording)
        return frozenset(keys)

    def resolve(self, lang: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """Values for every key in `lang`: run-time override, configured value, generic wording."""
        generic = self.generic.get(lang) or self.generic.get("fi") or {}
        out: dict[str, str] = {}
        for key in self.keys:
            value = (overrides or {}).get(key) or self.configured.get(key) or generic.get(key) or ""
            out[key] = str(value).strip()
        for key, value in (overrides or {}).items():
            out.setdefault(key, str(value).strip())
        return out


def load_facts(root: Path) -> CountyFacts:
    path = root / COUNTY_FILE
    if not path.exists():
        return CountyFacts()
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict):
        raise ValueError(f"{COUNTY_FILE}: expected a mapping with 'facts' and 'generic'")
    configured = {str(k): "" if v is None else str(v) for k, v in (doc.get("facts") or {}).items()}
    generic = {str(lang): {str(k): str(v) for k, v in (words or {}).items()}
               for lang, words in (doc.get("generic") or {}).items() if lang in LANGS}
    return CountyFacts(configured, generic)


def read_facts_file(path: Path, known: frozenset[str]) -> dict[str, str]:
    """County facts from a YAML file with the keys of `facts:` in county.yml, e.g.
    `social_emergency_phone: "06 123 4567"`. Raises ValueError naming the problem."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        raise ValueError(f"{path}{where}: not valid YAML" + (f" ({problem})" if problem else "")) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a mapping of fact keys to texts")
    unknown = sorted(str(k) for k in doc if str(k) not in known)
    if unknown:
        raise ValueError(f"{path}: unknown keys {', '.join(unknown)}; "
                         f"known keys: {', '.join(sorted(known))}")
    facts: dict[str, str] = {}
    for key, value in doc.items():
        if value is None:
            value = ""
        if not isinstance(value, str):  # YAML reads 06123 as a number: quote phone numbers
            raise ValueError(f"{path}: {key}: expected quoted text, got {type(value).__name__} "
                             f"{value!r}")
        text = value.strip()
        if len(text) > 1000 or _PLACEHOLDER.search(text) or any(
                ord(c) < 32 and c != "\n" for c in text):
            raise ValueError(f"{path}: {key}: expected plain text (at most 1,000 characters, "
                             "no control characters or {placeholders})")
        facts[str(key)] = text
    return facts


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace {key} placeholders; an unknown key is dropped rather than shown raw."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)
