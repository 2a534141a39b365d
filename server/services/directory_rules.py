"""What a valid service point is (the service directory, issue 13): one function checks a
point's fields for the console's form and for every CSV row alike, and says what is wrong
per field with a code the console translates (`errors`: field, code, message).

Limits: names and addresses 200 characters, opening hours 200 per language, phone 40
(at least 5 digits; digits, spaces, +, -, parentheses), web page 300 (https:// only), languages a non-empty
subset of fi, sv, en; single lines without control characters, and no text starts with
= + - or @ (a spreadsheet would run it as a formula when the CSV export is opened).
The municipality must be one of Finland's municipalities (municipalities.yml; Finnish or
Swedish name, any case) and is stored under its Finnish name; the type is one of
bot/service_types.yml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.service_types import service_types
from server import vocabulary
from server.protocol.checks import clean_text
from server.services.errors import InvalidInput

MUNICIPALITIES_FILE = Path(__file__).resolve().parent / "municipalities.yml"
LANGS = vocabulary.LANGS
MAX_NAME = MAX_ADDRESS = MAX_HOURS = 200
MAX_PHONE, MAX_WEB = 40, 300
# A spreadsheet reads a cell starting with one of these as a formula (CSV export and import).
_FORMULA = ("=", "+", "-", "@")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,38}[0-9]$")


@dataclass(frozen=True)
class Municipalities:
    by_key: dict[str, str]  # casefolded fi or sv name -> Finnish name
    swedish: dict[str, str]  # Finnish name -> Swedish name (where it differs)

    def canonical(self, name: str) -> str | None:
        return self.by_key.get(" ".join(name.split()).casefold())

    def shown(self, finnish: str, lang: str) -> str:
        return self.swedish.get(finnish, finnish) if lang == "sv" else finnish


@lru_cache(maxsize=1)
def municipalities() -> Municipalities:
    doc = yaml.safe_load(MUNICIPALITIES_FILE.read_text(encoding="utf-8"))
    by_key: dict[str, str] = {}
    swedish: dict[str, str] = {}
    for names in doc["regions"].values():
        for entry in names:
            fi, _, sv = str(entry).partition(" / ")
            by_key[fi.casefold()] = fi
            if sv:
                by_key[sv.casefold()] = fi
                swedish[fi] = sv
    return Municipalities(by_key, swedish)


@dataclass
class PointData:
    """A service point's fields, valid and normalised."""

    name: dict[str, str]
    type: str
    municipality: str
    address: str = ""
    hours: dict[str, str] = field(default_factory=dict)
    phone: str = ""
    web: str = ""
    languages: list[str] = field(default_factory=lambda: ["fi"])

    def columns(self) -> dict[str, Any]:
        """The values of the table's columns."""
        return {**{f"name_{lang}": self.name.get(lang, "") for lang in LANGS},
                **{f"hours_{lang}": self.hours.get(lang, "") for lang in LANGS},
                "type": self.type, "municipality": self.municipality, "address": self.address,
                "phone": self.phone, "web": self.web, "languages": ",".join(self.languages)}


class PointInvalid(InvalidInput):
    """A point (or CSV rows) with problems: `errors` lists each (line, field, code)."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors = errors

    def details(self) -> dict[str, Any]:
        return {"errors": self.errors}


def problem(field_name: str, code: str, message: str, line: int | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"field": field_name, "code": code, "message": message}
    if line is not None:
        item["line"] = line
    return item


def _text(raw: Mapping[str, Any], key: str, limit: int, errors: list[dict[str, Any]],
          required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(problem(key, "not_text", f"{key} must be text"))
        return ""
    value = value.strip()
    if not clean_text(value) or "\n" in value or "\r" in value:
        errors.append(problem(key, "control", f"{key}: one line, no control characters"))
    elif value[:1] in _FORMULA and key != "phone":
        errors.append(problem(key, "formula", f"{key} must not start with = + - or @"))
    elif len(value) > limit:
        errors.append(problem(key, "too_long", f"{key}: at most {limit} characters"))
    elif required and not value:
        errors.append(problem(key, "required", f"{key} is required"))
    return value


def check_point(raw: Mapping[str, Any]) -> tuple[PointData | None, list[dict[str, Any]]]:
    """The point from flat fields (name_fi, name_sv, name_en, type, municipality, address,
    hours_fi, hours_sv, hours_en, phone, web, languages as "fi,sv" or a list)."""
    errors: list[dict[str, Any]] = []
    name = {lang: _text(raw, f"name_{lang}", MAX_NAME, errors, lang == "fi") for lang in LANGS}
    hours = {lang: _text(raw, f"hours_{lang}", MAX_HOURS, errors) for lang in LANGS}
    kind = _text(raw, "type", 40, errors, True)
    if kind and kind not in service_types():
        errors.append(problem("type", "unknown_type",
                              f"type must be one of {', '.join(service_types())}"))
    place = _text(raw, "municipality", 60, errors, True)
    canonical = municipalities().canonical(place) if place else None
    if place and canonical is None:
        errors.append(problem("municipality", "unknown_municipality",
                              f"{place[:60]!r} is not a Finnish municipality"))
    address = _text(raw, "address", MAX_ADDRESS, errors)
    phone = _text(raw, "phone", MAX_PHONE, errors)
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5):
        errors.append(problem("phone", "bad_phone", "phone: digits, spaces, +, - and ( ) only"))
    web = _text(raw, "web", MAX_WEB, errors)
    if web and not _https(web):
        errors.append(problem("web", "bad_web", "web must be an https:// address"))
    languages = _languages(raw.get("languages"), errors)
    if errors:
        return None, errors
    return PointData({k: v for k, v in name.items() if v}, kind, canonical or place, address,
                     {k: v for k, v in hours.items() if v}, phone, web, languages), []


def _https(web: str) -> bool:
    parts = urlsplit(web)
    return (parts.scheme == "https" and bool(parts.hostname) and " " not in web
            and "." in (parts.hostname or ""))


def _languages(value: Any, errors: list[dict[str, Any]]) -> list[str]:
    if value is None or value == "":
        return ["fi"]
    if isinstance(value, str):
        items = [v.strip() for v in re.split(r"[ ,]+", value) if v.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        items = ["?"]
    if not items or any(v not in LANGS for v in items) or len(items) > len(LANGS):
        errors.append(problem("languages", "bad_languages",
                              "languages: a list of fi, sv, en (e.g. fi,sv)"))
        return ["fi"]
    return [lang for lang in LANGS if lang in items]
