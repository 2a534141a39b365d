"""The proxy config passes nginx's own check (`nginx -t`) with a certificate made now."""

from __future__ import annotations

from pathlib import Path

from tests.deploy.proxy import NGINX_CONF, check_config, make_certificate, render
from tests.processes import free_port


def test_nginx_accepts_the_proxy_config(tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path)
    main = render(tmp_path, [free_port(), free_port()], free_port(), free_port(), cert, key)
    result = check_config(main)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_proxy_config_has_the_security_parts() -> None:
    conf = NGINX_CONF.read_text()
    for needle in ("Strict-Transport-Security", "client_header_timeout 10s",
                   "client_body_timeout 10s", "limit_conn neuvo_conn", "client_max_body_size",
                   "proxy_set_header Upgrade $http_upgrade", "location = /metrics",
                   "ssl_protocols TLSv1.2 TLSv1.3", "return 308 https://"):
        assert needle in conf, needle
    assert "ip_hash" not in conf and "sticky" not in conf.replace("No sticky", "")
    assert "$remote_addr" not in conf.split("log_format", 1)[1].split(";", 1)[0]
