"""Detectors for structured identifiers: identity codes, phones, e-mail, IBAN, addresses,
postcodes, vehicle plates and other long identifiers. Check characters are validated."""

from __future__ import annotations

import re
from collections.abc import Iterable

Span = tuple[str, int, int]

_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# Century signs: + (1800s), - Y X W V U (1900s), A B C D E F (2000s), 2023 reform.
_HETU = re.compile(r"(?<![0-9])(\d{6})([-+A-FU-Ya-fu-y])(\d{3})([0-9A-Ya-y])(?![0-9])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?)"
                   r"(?![A-Za-z0-9])")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d \-()/]{5,17}\d(?![\w])")
_STREET_WORD = (r"[A-ZÅÄÖ][a-zåäöé-]*(?:katu|tie|kuja|polku|väylä|raitti|ranta|kaari|rinne|puisto|"
                r"tori|kulma|mäki|gatan|vägen|gränd|stigen|backen|street|road|avenue|lane)")
_ADDRESS = re.compile(
    _STREET_WORD + r"[a-zåäö]{0,6}\s+\d{1,4}(?:\s?[A-Za-z](?![a-zåäö]))?(?:\s?\d{1,3})?"
    r"(?::\s?[a-zåäö]+)?(?:\s?(?:as\.?|bst\.?|lgh\.?|apt\.?)\s?\d+)?"
    r"(?:,?\s+\d{5}\s+[A-ZÅÄÖ][a-zåäö-]+)?")
_POSTCODE = re.compile(r"(?<!\d)\d{5}\s+[A-ZÅÄÖ][a-zåäö-]+")
_PLATE = re.compile(r"(?<![\w-])[A-ZÅÄÖ]{2,3}-\d{1,3}(?![\w-])")
_LONG_ID = re.compile(r"(?<![\w.,])(?=[A-Za-z0-9-]*\d{5})[A-Za-z0-9]*\d[A-Za-z0-9-]{4,}(?![\w.,])")
_DATE_OR_TIME = re.compile(r"\d{1,2}[.:]\d{1,2}(?:[.:]\d{2,4})?")
_HELPLINE_PREFIXES = ("112", "116", "0800", "0925250")  # MIELI 09 2525 011x


def hetu_valid(code: str) -> bool:
    m = _HETU.fullmatch(code)
    if not m:
        return False
    return _HETU_CHECK[int(m.group(1) + m.group(3)) % 31] == m.group(4).upper()


def iban_valid(value: str) -> bool:
    s = value.replace(" ", "").upper()
    if not 15 <= len(s) <= 34 or not s.isalnum():
        return False
    digits = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(digits) % 97 == 1


def keep_digits(numbers: Iterable[str]) -> frozenset[str]:
    """Digit strings of numbers to keep; `+358 9` and `09` spell the same number."""
    out = set()
    for number in numbers:
        digits = _digits(number)
        if len(digits) >= 3:
            out.add(digits)
    return frozenset(out)


def _digits(text: str) -> str:
    d = re.sub(r"\D", "", text)
    if text.strip().startswith(("+358", "00358")):
        d = "0" + d[(3 if text.strip().startswith("+") else 5):]
    return d


def _is_phone(text: str, keep: frozenset[str]) -> bool:
    digits = _digits(text)
    if not 7 <= len(digits) <= 15 or _DATE_OR_TIME.fullmatch(text.strip()):
        return False
    if digits.startswith(_HELPLINE_PREFIXES) or digits in keep:
        return False
    # Finnish numbers start with 0, international ones with + or 00.
    return text.lstrip("(").startswith(("0", "+"))


def find(text: str, keep: frozenset[str] = frozenset()) -> list[Span]:
    spans: list[Span] = []
    # A code of the right shape with a wrong check character (a typo) still goes, as <ID>.
    spans += [("HETU" if hetu_valid(m.group(0)) else "HETU_SHAPED", m.start(), m.end())
              for m in _HETU.finditer(text)]
    spans += [("EMAIL", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    spans += [("IBAN", m.start(), m.end()) for m in _IBAN.finditer(text) if iban_valid(m.group(1))]
    for m in _PHONE.finditer(text):
        value = m.group(0).rstrip(" -/(")
        if _is_phone(value, keep):
            spans.append(("PHONE", m.start(), m.start() + len(value)))
        elif _digits(value).startswith(_HELPLINE_PREFIXES) or _digits(value) in keep:
            spans.append(("KEEP", m.start(), m.start() + len(value)))
    for m in _ADDRESS.finditer(text):
        end = m.end()
        colon = text.find(":", m.start(), end)
        if colon >= 0:  # "Kirkkotie 3:ssa": the number goes, the case ending is harmless
            end = colon
        spans.append(("ADDRESS", m.start(), end))
    spans += [("POSTCODE", m.start(), m.end()) for m in _POSTCODE.finditer(text)]
    spans += [("PLATE", m.start(), m.end()) for m in _PLATE.finditer(text)]
    spans += [("ID", m.start(), m.end()) for m in _LONG_ID.finditer(text)]
    return spans
