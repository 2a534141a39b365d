"""A non-editable install (the wheel) serves everything: migrations, bot content, the widget
and the console pages, from outside the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.processes import ROOT, ServerProcess, base_env


def test_wheel_install_serves_widget_console_and_bot(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT),
                    "-w", str(wheels)], check=True, cwd=tmp_path, timeout=300)
    wheel = next(wheels.glob("neuvo-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, cwd=tmp_path, timeout=300)
    env = base_env(f"sqlite:///{tmp_path / 'neuvo.db'}", NEUVO_BOT="embedded",
                   PYTHONPATH=str(target))
    cli = [sys.executable, "-m", "server.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, cwd=tmp_path, check=True, timeout=120)
    validate = subprocess.run([*cli, "bot", "validate"], env=env, cwd=tmp_path, timeout=120,
                              capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    server = ServerProcess(env=env, log_path=tmp_path / "server.log", cwd=tmp_path)
    server.start()
    try:
        with httpx.Client(base_url=server.base_url) as http:
            for path in ("/widget/neuvo.js", "/widget/chat.html", "/console/", "/"):
                assert http.get(path).status_code == 200, path
            assert http.get("/console/supervisor").status_code == 303
            created = http.post("/api/v1/chats", json={"lang": "fi"})
            assert created.status_code == 201
    finally:
        server.stop()
    where = subprocess.run([sys.executable, "-c", "import server, bot; print(server.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(target)), where.stdout  # not the repository's copy
