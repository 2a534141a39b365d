"""The production proxy config (deploy/nginx/neuvo.conf) run by Debian's nginx in a test:
a test certificate made at test time, local ports and upstreams swapped in, nothing else."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

from tests.processes import ROOT, free_port

NGINX_CONF = ROOT / "deploy" / "nginx" / "neuvo.conf"


def nginx_binary() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if path is None:
        raise RuntimeError("nginx is not installed: run `make test` (it installs Debian's nginx) "
                           "or `apt-get install nginx`")
    return path


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl, made now)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30)
    return cert, key


def client_context(cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cert))
    return context


def render(directory: Path, upstreams: list[int], http_port: int, https_port: int,
           cert: Path, key: Path) -> Path:
    """A complete nginx.conf around the product's config, with local ports and files."""
    conf = NGINX_CONF.read_text()
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n"
                      for port in upstreams)
    conf, n = re.subn(r"(upstream neuvo_app \{\n)(?:    server .*\n)+", rf"\g<1>{servers}", conf)
    assert n == 1, "upstream block not found in neuvo.conf"
    replacements = {
        r"listen 80;": f"listen 127.0.0.1:{http_port};",
        r"listen \[::\]:80;": "",
        r"listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        r"listen \[::\]:443 ssl;": "",
        r"ssl_certificate     \S+;": f"ssl_certificate {cert};",
        r"ssl_certificate_key \S+;": f"ssl_certificate_key {key};",
        r"/var/log/nginx/neuvo-access.log": str(directory / "access.log"),
    }
    for pattern, value in replacements.items():
        conf, n = re.subn(pattern, value, conf)
        assert n == 1, f"{pattern!r} not found in neuvo.conf"
    (directory / "neuvo.conf").write_text(conf)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / sub).mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the test's private tmp
    main = directory / "nginx.conf"
    main.write_text(f"""{user}worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/neuvo.conf;
}}
""")
    return main


def check_config(main: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([nginx_binary(), "-t", "-c", str(main), "-p", str(main.parent)],
                          capture_output=True, text=True, timeout=30, check=False)


class Nginx:
    def __init__(self, directory: Path, upstreams: list[int]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.cert, self.key = make_certificate(directory)
        self.http_port, self.https_port = free_port(), free_port()
        self.main = render(directory, upstreams, self.http_port, self.https_port,
                           self.cert, self.key)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def ws_base(self) -> str:
        return f"wss://127.0.0.1:{self.https_port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [nginx_binary(), "-c", str(self.main), "-p", str(self.directory), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()}")
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.https_port), timeout=0.5):
                return
            time.sleep(0.05)
        raise RuntimeError("nginx did not start in 10 s: " + self.error_log())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""
