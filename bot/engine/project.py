"""The whole bot project in memory: examples, responses, rules and fallback thresholds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.api import Button
from bot.catalogue import SAFETY_INTENTS
from bot.engine.loader import (
    DEFAULT_PROJECT,
    NLU_FILES,
    RULES_FILE,
    Example,
    RawProject,
    child,
    line_of,
    read_examples,
    read_yaml,
)

CONFIG_FILE = "config.yml"
SAFETY_ACTION = "action_safety"
DOMAIN_FILE = "domain.yml"
CONTENT_FILES = (CONFIG_FILE, DOMAIN_FILE, RULES_FILE, *NLU_FILES.values(), "safety.yml", "county.yml")
DEFAULT_LANG = "fi"


@dataclass(frozen=True)
class Variant:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass
class Project:
    root: Path
    examples: list[Example] = field(default_factory=list)
    intents: tuple[str, ...] = ()
    # response name -> language ("fi" for the unconditional default) -> variants
    responses: dict[str, dict[str, list[Variant]]] = field(default_factory=dict)
    # intent -> actions run after it (from rules.yml)
    rules: dict[str, list[str]] = field(default_factory=dict)
    actions: tuple[str, ...] = ()
    threshold: float = 0.3
    ambiguity_threshold: float = 0.1

    @cached_property
    def safety_intents(self) -> frozenset[str]:
        """The catalogue's safety intents and every intent whose rule runs `action_safety`
        (an editor marked it as a safety intent). Computed once: every parse reads it, and a
        project does not change after it is read."""
        marked = {intent for intent, actions in self.rules.items() if SAFETY_ACTION in actions}
        return frozenset(SAFETY_INTENTS) | marked

    def variants(self, response: str, lang: str) -> list[Variant]:
        by_lang = self.responses.get(response, {})
        return by_lang.get(lang) or by_lang.get(DEFAULT_LANG) or []


def content_hash(root: Path) -> str:
    """A hash of every content file: the key of the cached trained model."""
    digest = hashlib.sha256()
    for rel in CONTENT_FILES:
        path = root / rel
        digest.update(rel.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()[:24]


def parse_project(root: Path = DEFAULT_PROJECT) -> tuple[Project, RawProject]:
    """Parse all files, collecting problems instead of stopping at the first one."""
    raw = RawProject(root)
    project = Project(root=root)
    for lang, rel in NLU_FILES.items():
        project.examples.extend(read_examples(raw, lang, rel))
    _read_config(raw, project)
    _read_domain(raw, project)
    _read_rules(raw, project)
    return project, raw


def _read_config(raw: RawProject, project: Project) -> None:
    doc = read_yaml(raw, CONFIG_FILE)
    if not isinstance(doc, dict):
        if doc is not None:
            raw.error(CONFIG_FILE, 1, "expected a mapping with 'pipeline'")
        return
    pipeline = doc.get("pipeline") or []
    node = child(raw.nodes.get(CONFIG_FILE), "pipeline")
    for i, component in enumerate(pipeline if isinstance(pipeline, list) else []):
        if isinstance(component, dict) and component.get("name") == "FallbackClassifier":
            line = line_of(child(node, i))
            project.threshold = _unit_float(raw, line, component, "threshold", project.threshold)
            project.ambiguity_threshold = _unit_float(raw, line, component, "ambiguity_threshold",
                                                      project.ambiguity_threshold)


def _unit_float(raw: RawProject, line: int, component: dict[str, Any], key: str, default: float) -> float:
    value = component.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raw.error(CONFIG_FILE, line, f"FallbackClassifier {key} must be a number between 0 and 1")
        return default
    return float(value)


def _read_domain(raw: RawProject, project: Project) -> None:
    doc = read_yaml(raw, DOMAIN_FILE)
    if not isinstance(doc, dict):
        if doc is not None:
            raw.error(DOMAIN_FILE, 1, "expected a mapping with 'intents' and 'responses'")
        return
    node = raw.nodes.get(DOMAIN_FILE)
    intents = doc.get("intents") or []
    project.intents = tuple(i if isinstance(i, str) else next(iter(i)) for i in intents
                            if isinstance(i, str | dict) and i)
    project.actions = tuple(a for a in (doc.get("actions") or []) if isinstance(a, str))
    responses = doc.get("responses") or {}
    if not isinstance(responses, dict):
        raw.error(DOMAIN_FILE, line_of(child(node, "responses")), "'responses' must be a mapping")
        return
    resp_node = child(node, "responses")
    for name, variants in responses.items():
        project.responses[name] = _read_variants(raw, child(resp_node, name), name, variants)


def _read_variants(raw: RawProject, node: Any, name: str, variants: Any) -> dict[str, list[Variant]]:
    out: dict[str, list[Variant]] = {}
    if not isinstance(variants, list):
        raw.error(DOMAIN_FILE, line_of(node), f"response '{name}' must be a list of variants")
        return out
    for i, v in enumerate(variants):
        line = line_of(child(node, i))
        if not isinstance(v, dict) or not isinstance(v.get("text"), str) or not v["text"].strip():
            raw.error(DOMAIN_FILE, line, f"response '{name}': every variant needs a non-empty 'text'")
            continue
        lang = DEFAULT_LANG
        for cond in v.get("condition") or []:
            if isinstance(cond, dict) and cond.get("name") == "language":
                lang = str(cond.get("value"))
        buttons = []
        for b in v.get("buttons") or []:
            if not isinstance(b, dict) or not b.get("title") or not b.get("payload"):
                raw.error(DOMAIN_FILE, line, f"response '{name}': a button needs 'title' and 'payload'")
                continue
            buttons.append(Button(str(b["title"]), str(b["payload"])))
        out.setdefault(lang, []).append(Variant(v["text"].strip(), tuple(buttons)))
    return out


def _read_rules(raw: RawProject, project: Project) -> None:
    doc = read_yaml(raw, RULES_FILE)
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        if doc is not None:
            raw.error(RULES_FILE, 1, "expected a mapping with a 'rules' list")
        return
    rules_node = child(raw.nodes.get(RULES_FILE), "rules")
    for i, rule in enumerate(doc["rules"]):
        line = line_of(child(rules_node, i))
        steps = rule.get("steps") if isinstance(rule, dict) else None
        if not isinstance(steps, list) or not steps or not isinstance(steps[0], dict) \
                or "intent" not in steps[0]:
            raw.error(RULES_FILE, line, "a rule's steps must start with '- intent: NAME'")
            continue
        actions = [s["action"] for s in steps[1:] if isinstance(s, dict) and "action" in s]
        if not actions:
            raw.error(RULES_FILE, line, f"rule for '{steps[0]['intent']}' has no action")
            continue
        intent = str(steps[0]["intent"])
        if intent in project.rules:
            raw.error(RULES_FILE, line, f"intent '{intent}' already has a rule")
            continue
        project.rules[intent] = [str(a) for a in actions]
