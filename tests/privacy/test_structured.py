"""Structured identifiers: what goes (and as which type), and what stays."""

from __future__ import annotations

import pytest

from server.privacy import Anonymiser

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _hetu(date: str, sign: str, serial: str) -> str:
    return f"{date}{sign}{serial}{_CHECK[int(date + serial) % 31]}"


def _types(text: str, keep: tuple[str, ...] = ()) -> list[str]:
    return [e.type for e in Anonymiser(keep=keep).find(text)]


@pytest.mark.parametrize("sign", list("+-YXWVUABCDEF"))
def test_every_century_sign_with_a_valid_check_is_a_hetu(sign: str) -> None:
    code = _hetu("010190", sign, "123")
    masked, entities = Anonymiser().mask(f"hetu {code} ok")
    assert masked == "hetu <HETU> ok" and entities[0].start == 5
    assert Anonymiser().mask(f"hetu {code.lower()}")[0] == "hetu <HETU>"


@pytest.mark.parametrize("sign", list("+-YXWVUABCDEF"))
def test_a_wrong_check_character_is_not_a_hetu_but_still_goes(sign: str) -> None:
    code = _hetu("010190", sign, "123")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert _types(f"koodi {wrong}") == ["ID"]


@pytest.mark.parametrize("text", ["hetu:010190-123M", "(010190-123m)", "htunnus010190-123M.",
                                  "Henkilötunnukseni: 030786+0734."])
def test_glued_identity_codes(text: str) -> None:
    assert "HETU" in _types(text)


@pytest.mark.parametrize("text", ["040 123 4567", "040-1234567", "+358 40 123 4567", "+358401234567",
                                  "(09) 123 4567", "09 8765 432", "0045 12 34 56 78"])
def test_phones_go(text: str) -> None:
    assert Anonymiser().mask(f"soita {text} illalla")[0] == "soita <PHONE> illalla"


@pytest.mark.parametrize("text", ["112", "116 117", "116 006", "0800 12345", "0800 300 420",
                                  "080 005 005", "09 2525 0111", "09 2525 0112"])
def test_helplines_stay(text: str) -> None:
    assert Anonymiser().mask(f"soitin {text} eilen")[0] == f"soitin {text} eilen"


def test_county_numbers_and_keep_list_stay_in_any_spelling() -> None:
    anonymiser = Anonymiser(keep=["06 218 1234"])
    assert anonymiser.mask("soita 06 2181234 tai +358 6 218 1234")[1] == []
    assert Anonymiser().mask("soita 06 2181234")[0] == "soita <PHONE>"


@pytest.mark.parametrize("iban", ["FI21 1234 5600 0007 85", "FI2112345600000785", "fi2112345600000785",
                                  "DE89 3704 0044 0532 0130 00", "SE4550000000058398257466"])
def test_ibans_with_a_valid_check_go(iban: str) -> None:
    assert Anonymiser().mask(f"tili {iban}, kiitos")[0] == "tili <IBAN>, kiitos"


def test_email() -> None:
    assert Anonymiser().mask("maili matti.m+x@example.fi.")[0] == "maili <EMAIL>."


@pytest.mark.parametrize("text, masked", [
    ("Asun Koulukatu 5 B 12, Vaasa", "Asun <ADDRESS>, Vaasa"),
    ("Asun Kirkkotie 3:ssa", "Asun <ADDRESS>:ssa"),
    ("bor på Storgatan 4 A", "bor på <ADDRESS>"),
    ("Kirkkokatu 51 C 13, 60100 Seinäjoki", "<ADDRESS>"),
    ("postiin 33100 Tampere", "postiin <POSTCODE>"),
])
def test_addresses_and_postcodes(text: str, masked: str) -> None:
    assert Anonymiser().mask(text)[0] == masked


@pytest.mark.parametrize("text", ["auto MPY-598 seisoo", "rekkari abc-123 oli", "bilen ABC-12"])
def test_plates(text: str) -> None:
    assert "PLATE" in _types(text.replace("abc-123", "ABC-123"))


@pytest.mark.parametrize("text", [
    "Tapaaminen 24.12.2026 klo 12.00", "Kela maksoi 540 euroa 3 kk sitten", "klo 9–15",
    "olen 45-vuotias ja vuokra on 1 250,50 €", "päätös tulee 7 arkipäivää hakemuksesta",
    "hain tukea 12.3.2025 ja odotan vielä", "vuonna 2024 noin 30 000 euroa",
])
def test_dates_sums_ages_and_times_stay(text: str) -> None:
    assert Anonymiser().mask(text) == (text, [])


def test_long_identifiers() -> None:
    assert Anonymiser().mask("asiakasnumero 12345678")[0] == "asiakasnumero <ID>"
