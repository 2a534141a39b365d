"""`neuvo db upgrade` and `neuvo staff add` as an operator runs them (the other tests create
accounts in-process through the same service): validated arguments, a clear message and
exit code 1 or 2 for mistakes, and an account that can log in."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.processes import PASSWORD, ServerProcess, base_env, run_cli


def test_db_upgrade_staff_add_and_login(tmp_path: Path) -> None:
    env = base_env(f"sqlite:///{tmp_path / 'neuvo.db'}")
    upgraded = run_cli(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout
    add = ["staff", "add", "liisa", "--display-name", "Liisa", "--password-stdin",
           "--role", "staff", "--role", "supervisor", "--languages", "fi,sv", "--capacity", "4"]
    created = run_cli(add, env, stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "created liisa (staff,supervisor)"

    again = run_cli(add, env, stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "taken" in again.stderr
    short = run_cli([*add[:2], "pekka", *add[3:]], env, stdin="short\n")
    assert short.returncode == 1 and "password" in short.stderr.lower()
    for bad in (["--role", "root"], ["--capacity", "zero"], ["--languages", "de"]):
        refused = run_cli([*add[:2], "pekka", *add[3:], *bad], env, stdin=PASSWORD + "\n")
        assert refused.returncode in (1, 2), (bad, refused.stdout)
        assert refused.stderr.startswith(("usage:", "neuvo")), refused.stderr
        assert "Traceback" not in refused.stderr

    server = ServerProcess(env=env, log_path=tmp_path / "server.log")
    server.start()
    try:
        with httpx.Client(base_url=server.base_url) as http:
            login = http.post("/api/v1/staff/login",
                              json={"username": "liisa", "password": PASSWORD})
            assert login.status_code == 200, login.text
            me = http.get("/api/v1/staff/me").json()
            assert (me["display_name"], sorted(me["roles"])) == ("Liisa", ["staff", "supervisor"])
    finally:
        server.stop()
