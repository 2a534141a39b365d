"""Read the Rasa project files (config.yml, domain.yml, data/nlu/*.yml, data/rules.yml).

Problems are collected as `Problem`s naming the file and line, so that `neuvo bot validate`
can report all of them at once; `load_project` raises `ProjectError` if any is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PROJECT = Path(__file__).resolve().parent.parent
NLU_FILES = {"fi": "data/nlu/fi.yml", "sv": "data/nlu/sv.yml", "en": "data/nlu/en.yml"}
RULES_FILE = "data/rules.yml"
_EXAMPLE = re.compile(r"^\s*-\s+(.*\S)\s*$")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


class ProjectError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    lang: str
    file: str
    line: int


@dataclass
class RawProject:
    """The parsed files and the YAML nodes (for line numbers)."""

    root: Path
    docs: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, yaml.Node] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message, "warning"))


def read_yaml(raw: RawProject, rel: str) -> Any:
    """Parse one file; a syntax error becomes a Problem with the line of the error."""
    path = raw.root / rel
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raw.error(rel, 0, "file is missing")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raw.error(rel, 0, f"cannot read file: {exc}")
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raw.error(rel, line, f"invalid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        raw.error(rel, 0, f"invalid YAML: {exc}")
        return None
    if node is not None:
        raw.nodes[rel] = node
    raw.docs[rel] = doc
    return doc


def child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    """The YAML node under a mapping key or sequence index (for line numbers)."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                found: yaml.Node = v
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item: yaml.Node = node.value[key]
        return item
    return None


def line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def read_examples(raw: RawProject, lang: str, rel: str) -> list[Example]:
    """NLU examples of one language file, each with its own line number."""
    doc = read_yaml(raw, rel)
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("nlu"), list):
        raw.error(rel, 1, "expected a mapping with an 'nlu' list")
        return []
    out: list[Example] = []
    nlu_node = child(raw.nodes.get(rel), "nlu")
    for i, item in enumerate(doc["nlu"]):
        item_node = child(nlu_node, i)
        if not isinstance(item, dict):
            raw.error(rel, line_of(item_node), "each nlu item must be a mapping")
            continue
        if "intent" not in item:
            if not ({"synonym", "regex", "lookup"} & item.keys()):
                raw.error(rel, line_of(item_node), "nlu item has no 'intent'")
            continue
        intent = item["intent"]
        examples = item.get("examples")
        ex_node = child(item_node, "examples")
        if not isinstance(intent, str) or not intent:
            raw.error(rel, line_of(item_node), "intent name must be a non-empty string")
            continue
        if not isinstance(examples, str):
            raw.error(rel, line_of(ex_node or item_node),
                      f"intent '{intent}': 'examples' must be a block of '- example' lines")
            continue
        first = line_of(ex_node) + 1  # the block scalar starts on the line after 'examples: |'
        for offset, text_line in enumerate(examples.splitlines()):
            if not text_line.strip():
                continue
            m = _EXAMPLE.match(text_line)
            if not m:
                raw.error(rel, first + offset, f"intent '{intent}': example must start with '- '")
                continue
            out.append(Example(intent, m.group(1), lang, rel, first + offset))
    return out
