"""The content files: complete, in Rasa's format, and never trained on the dev set."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.catalogue import ALL_INTENTS
from bot.engine.loader import DEFAULT_PROJECT
from bot.engine.normalise import clean, fold
from bot.engine.project import parse_project
from bot.engine.validate import load_project, validate
from tests.bot.conftest import DEV_SET


def test_every_intent_has_examples_and_answers_in_three_languages() -> None:
    project = load_project()
    counts = Counter((e.intent, e.lang) for e in project.examples)
    for intent in ALL_INTENTS:
        assert counts[(intent, "fi")] >= 20, intent
        assert counts[(intent, "sv")] >= 8, intent
        assert counts[(intent, "en")] >= 8, intent
        if intent != "request_human":
            assert set(project.responses[f"utter_{intent}"]) == {"fi", "sv", "en"}, intent


def test_content_validates_without_problems() -> None:
    project, raw = parse_project()
    assert [str(p) for p in validate(project, raw)] == []


def test_no_training_example_is_a_dev_sentence() -> None:
    with DEV_SET.open(encoding="utf-8") as rows:
        dev = {fold(clean(row[2])) for row in csv.reader(rows, delimiter="\t")}
    leaked = [e.text for e in load_project().examples if fold(clean(e.text)) in dev]
    assert leaked == []


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "bot"
    shutil.copytree(DEFAULT_PROJECT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "actions"))
    return root


def _problems(root: Path) -> list[str]:
    project, raw = parse_project(root)
    return [str(p) for p in validate(project, raw) if p.severity == "error"]


def test_yaml_syntax_error_names_file_and_line(broken: Path) -> None:
    path = broken / "data/nlu/sv.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "- intent: [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _problems(broken)
    assert any(p.startswith("data/nlu/sv.yml:") and "invalid YAML" in p for p in problems), problems


def test_unknown_intent_and_bad_example_name_their_line(broken: Path) -> None:
    path = broken / "data/nlu/en.yml"
    text = path.read_text(encoding="utf-8")
    text += "\n- intent: weather_report\n  examples: |\n    - is it raining\n    not a list item\n"
    path.write_text(text, encoding="utf-8")
    total = len(text.splitlines())
    problems = _problems(broken)
    assert f"data/nlu/en.yml:{total - 1}: error: intent 'weather_report' is not declared in domain.yml" \
        in problems
    assert any(p.startswith(f"data/nlu/en.yml:{total}: error:") and "must start with '- '" in p
               for p in problems), problems


def test_rule_with_unknown_response_is_reported(broken: Path) -> None:
    path = broken / "data/rules.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("utter_food_aid", "utter_food_aidd"), "utf-8")
    problems = _problems(broken)
    assert any(p.startswith("data/rules.yml:") and "'utter_food_aidd'" in p for p in problems), problems


def test_unknown_placeholder_and_bad_threshold_are_reported(broken: Path) -> None:
    domain = broken / "domain.yml"
    domain.write_text(domain.read_text(encoding="utf-8").replace("{food_aid_places}", "{food_places}", 1),
                      "utf-8")
    config = broken / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("threshold: 0.3", "threshold: 3"), "utf-8")
    problems = _problems(broken)
    assert any(p.startswith("domain.yml:") and "{food_places}" in p for p in problems), problems
    assert any(p.startswith("config.yml:") and "threshold" in p for p in problems), problems
