"""The content editor's Rasa export is a project the real Rasa 3.6 accepts unchanged: `rasa
data validate` on the export of the shipped content and of content with an intent added the
way the editor adds one; `rasa train` (the CI pipeline) trains the edited export, and the
folder Rasa trained from, zipped, imports back to the same content. Run by `make test-rasa`
(marker `rasa`); deselected otherwise."""

from __future__ import annotations

import io
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from bot import content as bot_content
from server.services.content.transfer import export_zip, parse_files, read_zip
from tests.bot.test_rasa_integration import CONFIG, rasa_venv  # noqa: F401 (fixture)

pytestmark = [pytest.mark.rasa, pytest.mark.timeout(1800)]
BOT = Path(__file__).resolve().parents[2] / "bot"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neuvo"
# Rasa's training cache, as bot/scripts/rasa-run.sh sets it: reruns reuse trained components.
RASA_CACHE = os.environ.get("RASA_CACHE_DIRECTORY") or str(CACHE / "rasa-cache")


def edited_content() -> bot_content.Content:
    """The shipped content plus `library_hours`, added the way the editor adds an intent."""
    content, _ = bot_content.from_directory()
    content["intents"].append("library_hours")
    content["examples"]["library_hours"] = {
        "fi": ["milloin kirjasto on auki", "kirjaston aukioloajat"],
        "sv": ["när är biblioteket öppet"], "en": ["when is the library open"]}
    content["responses"]["utter_library_hours"] = [
        bot_content.make_variant("fi", "Kirjasto on auki arkisin.", []),
        bot_content.make_variant("sv", "Biblioteket är öppet vardagar.", []),
        bot_content.make_variant("en", "The library is open on weekdays.",
                                 [{"title": "Talk to a person", "payload": "/request_human"}])]
    content["rules"].append({"rule": "answer library_hours", "steps": [
        {"intent": "library_hours"}, {"action": "utter_library_hours"}]})
    return content


@pytest.mark.parametrize("edited", [False, True], ids=["shipped", "edited"])
def test_rasa_validates_the_export(rasa_venv: Path, tmp_path: Path,  # noqa: F811
                                   edited: bool) -> None:
    content = edited_content() if edited else bot_content.from_directory()[0]
    data = export_zip(content, 1)
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    (tmp_path / CONFIG).write_bytes((BOT / CONFIG).read_bytes())
    done = subprocess.run([str(rasa_venv / "bin/rasa"), "data", "validate", "--domain",
                           "domain.yml", "--data", "data", "--config", CONFIG], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # and the import of the export gives the same content back
    assert parse_files(read_zip(data)[0])[0] == content


def test_rasa_trains_the_export_and_it_imports_back(rasa_venv: Path,  # noqa: F811
                                                     tmp_path: Path) -> None:
    content = edited_content()
    content["config"] = quick_config()
    project = tmp_path / "project"
    zipfile.ZipFile(io.BytesIO(export_zip(content, 2))).extractall(project)
    env = {**os.environ, "RASA_CACHE_DIRECTORY": RASA_CACHE,
           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "PYTHONWARNINGS": "ignore", "RASA_TELEMETRY_ENABLED": "false"}
    started = time.monotonic()
    done = subprocess.run([str(rasa_venv / "bin/rasa"), "train", "--domain", "domain.yml",
                           "--data", "data", "--config", "config.yml", "--out",
                           str(tmp_path / "models"), "--fixed-model-name", "export"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "models" / "export.tar.gz").stat().st_size > 0
    print(f"rasa train of the export took {time.monotonic() - started:.1f} s")
    # the folder Rasa trained from, zipped as an editor would, imports to the same content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(p for p in project.rglob("*") if p.is_file()):
            archive.write(path, f"project/{path.relative_to(project)}")
    files, ignored = read_zip(buffer.getvalue())
    assert parse_files(files)[0] == content
    assert any("README.txt" in name for name in ignored), ignored


def quick_config() -> str:
    """The CI pipeline with one DIET epoch: this test proves that Rasa trains the export, not
    what the model answers (test_rasa_publish.py trains with the CI pipeline and asks it)."""
    config = yaml.safe_load((BOT / CONFIG).read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["epochs"] = 1
    return bot_content.dump_yaml(config)
