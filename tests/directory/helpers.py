"""Service points for the directory tests."""

from __future__ import annotations

from typing import Any

XSS = '<img src=x onerror="window.__xss=1">&<script>window.__xss=2</script>'


def point(**changes: Any) -> dict[str, Any]:
    """A valid point in the flat form of directory_rules.check_point."""
    base: dict[str, Any] = {
        "name_fi": "Seinäjoen terveysasema", "name_sv": "Seinäjoki hälsostation",
        "name_en": "Seinäjoki health centre", "type": "health_station",
        "municipality": "Seinäjoki", "address": "Koulukatu 1, 60100 Seinäjoki",
        "hours_fi": "ma–pe 8–16", "hours_sv": "mån–fre 8–16", "hours_en": "Mon–Fri 8–16",
        "phone": "06 123 4567", "web": "https://www.example-hyvinvointialue.fi/terveysasema",
        "languages": "fi,sv"}
    base.update(changes)
    return base


def api_point(**changes: Any) -> dict[str, Any]:
    """A valid point as the HTTP API takes it (names and hours per language)."""
    body: dict[str, Any] = {
        "name": {"fi": "Seinäjoen sosiaalitoimisto", "sv": "Seinäjoki socialbyrå",
                 "en": "Seinäjoki social services office"},
        "type": "social_services_office", "municipality": "Seinäjoki",
        "address": "Kirkkokatu 2, 60100 Seinäjoki",
        "hours": {"fi": "ma–pe 9–15", "sv": "mån–fre 9–15", "en": "Mon–Fri 9–15"},
        "phone": "06 765 4321", "web": "https://www.example-hyvinvointialue.fi/sosiaali",
        "languages": ["fi", "sv"]}
    body.update(changes)
    return body
