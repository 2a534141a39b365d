"""The widget frame's CSP comes from configuration (the county's own sites); unset, the
defaults stay as they were. The served headers are checked through the proxy in
tests/deploy/test_proxy_e2e.py."""

from __future__ import annotations

import pytest

from server.config import ConfigError, Settings, load_settings
from server.web.security import PAGE_CSP, WIDGET_FRAME_CSP, csp_for


def test_defaults_are_unchanged() -> None:
    assert csp_for(Settings(dev=True)) == (PAGE_CSP, WIDGET_FRAME_CSP)


def test_public_url_and_frame_ancestors_narrow_the_policy() -> None:
    settings = Settings(dev=True, public_url="https://chat.example.fi",
                        frame_ancestors="https://www.example.fi, https://alue.example.fi/")
    page, frame = csp_for(settings)
    assert "connect-src 'self' wss://chat.example.fi;" in page
    assert "connect-src 'self' wss://chat.example.fi;" in frame
    assert "frame-ancestors 'self' https://www.example.fi https://alue.example.fi" in frame
    assert "frame-ancestors 'none'" in page  # the console is never framed
    assert "ws: wss:" not in page + frame and "frame-ancestors *" not in frame


@pytest.mark.parametrize(("name", "value"), [("NEUVO_FRAME_ANCESTORS", "*"),
                                             ("NEUVO_FRAME_ANCESTORS", "https://x.fi/path"),
                                             ("NEUVO_PUBLIC_URL", "chat.example.fi")])
def test_bad_values_stop_the_start_with_the_name(monkeypatch: pytest.MonkeyPatch, name: str,
                                                 value: str) -> None:
    monkeypatch.setenv("NEUVO_DEV", "1")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()
