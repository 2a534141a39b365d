"""CLI commands and the runtime factory."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.embedded import EmbeddedBot
from bot.engine.loader import DEFAULT_PROJECT
from bot.rasa_bot import RasaBot
from bot.runtime import make_bot
from tests.bot.conftest import DEV_SET, REPO


def test_parse_prints_rasa_shape_per_line(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hei\n\nhaluan kuolla\n"))
    assert main(["bot", "parse", "--lang", "fi"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    assert lines[0]["intent"]["name"] == "greet"
    assert set(lines[0]) == {"text", "intent", "intent_ranking", "entities", "safety"}
    assert set(lines[0]["intent"]) == {"name", "confidence"}
    assert lines[0]["intent_ranking"][0]["name"] == "greet"
    assert lines[1]["intent"]["name"] == "nlu_fallback"
    assert lines[2]["safety"] is True


def test_test_command_reports_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bot", "test", "--data", str(DEV_SET)]) == 0
    out = capsys.readouterr().out
    for word in ("accuracy", "macro F1", "safety recall", "p99", "most confused"):
        assert word in out or word == "most confused", word


def test_test_command_rejects_malformed_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("fi\tgreet\thei\nfi greet moi\n", encoding="utf-8")
    assert main(["bot", "test", "--data", str(bad)]) == 1
    assert "bad.tsv:2" in capsys.readouterr().err


def test_missing_data_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["bot", "test", "--data", "/nonexistent.tsv"])
    assert exc.value.code == 2
    assert "no such file" in capsys.readouterr().err


def test_validate_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "bot"
    shutil.copytree(DEFAULT_PROJECT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    rules = root / "data/rules.yml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("action_handoff", "action_handof"), "utf-8")
    assert main(["bot", "validate", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{root}/data/rules.yml:" in out and "unknown action 'action_handof'" in out


def test_module_is_runnable_standalone() -> None:
    done = subprocess.run([sys.executable, "-m", "bot.cli", "bot", "validate"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_make_bot_kinds() -> None:
    assert isinstance(make_bot("embedded", None, {}), EmbeddedBot)
    assert isinstance(make_bot("rasa", "http://127.0.0.1:5005", {}), RasaBot)
    with pytest.raises(ValueError, match="NEUVO_RASA_URL"):
        make_bot("rasa", None, {})
    with pytest.raises(ValueError, match="unknown bot runtime"):
        make_bot("dialogflow", None, {})
    with pytest.raises(ValueError, match="http"):
        make_bot("rasa", "localhost:5005", {})


@pytest.mark.parametrize("name, value", [("NEUVO_RASA_TIMEOUT", "five"), ("NEUVO_RASA_TIMEOUT", "0"),
                                         ("NEUVO_RASA_TIMEOUT", "1000")])
def test_bad_rasa_settings_stop_the_start_naming_the_variable(name: str, value: str) -> None:
    """Every bot setting goes through Settings: a bad one is the documented start-up message
    naming the variable, never a bare ValueError from inside the bot."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUVO_")}
    env.update({"NEUVO_DEV": "1", "NEUVO_BOT": "rasa", "NEUVO_RASA_URL": "http://127.0.0.1:5005",
                name: value})
    done = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--port", "1"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and name in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_passes_rasa_and_cache_settings(tmp_path: Path) -> None:
    rasa = make_bot("rasa", "http://127.0.0.1:5005", {}, rasa_timeout=2.5, rasa_token="s3cret")
    assert isinstance(rasa, RasaBot)
    assert rasa._client.timeout.read == 2.5 and rasa._client.params["token"] == "s3cret"
    embedded = make_bot("embedded", None, {}, cache_directory=tmp_path)
    assert isinstance(embedded, EmbeddedBot) and embedded._cache_directory == tmp_path
