"""The content editor's Rasa export is a project the real Rasa 3.6 accepts unchanged: `rasa
data validate` on the export of the shipped content and of content with an intent added the
way the editor adds one. Run by `make test-rasa` (marker `rasa`); deselected otherwise."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from bot import content as bot_content
from server.services.content.transfer import export_zip, parse_files, read_zip
from tests.bot.test_rasa_integration import CONFIG, rasa_venv  # noqa: F401 (fixture)

pytestmark = [pytest.mark.rasa, pytest.mark.timeout(1800)]
BOT = Path(__file__).resolve().parents[2] / "bot"


def _edited() -> bot_content.Content:
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
    content = _edited() if edited else bot_content.from_directory()[0]
    data = export_zip(content, 1)
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    (tmp_path / CONFIG).write_bytes((BOT / CONFIG).read_bytes())
    done = subprocess.run([str(rasa_venv / "bin/rasa"), "data", "validate", "--domain",
                           "domain.yml", "--data", "data", "--config", CONFIG], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # and the import of the export gives the same content back
    assert parse_files(read_zip(data)[0])[0] == content
