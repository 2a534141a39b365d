"""Content checks behind `neuvo bot validate`: every problem names its file and line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.catalogue import ALL_INTENTS, FALLBACK_INTENT, SAFETY_INTENTS
from bot.engine.facts import CONTEXT_KEYS, COUNTY_FILE, load_facts, placeholders
from bot.engine.loader import (
    DEFAULT_PROJECT,
    NLU_FILES,
    RULES_FILE,
    Problem,
    ProjectError,
    RawProject,
    child,
    line_of,
)
from bot.engine.normalise import clean, fold
from bot.engine.project import DOMAIN_FILE, Project, parse_project
from bot.engine.safety import load_safety

MIN_EXAMPLES = {"fi": 20, "sv": 8, "en": 8}
# Intents edited content must keep (the policy answers them itself).
REQUIRED_INTENTS = (*SAFETY_INTENTS, "request_human")
BUILTIN_ACTIONS = ("action_handoff", "action_safety", "action_fallback")
ACTION_RESPONSES = (
    "utter_handoff", "utter_handoff_out_of_hours", "utter_handoff_priority", "utter_safety_out_of_hours",
    "utter_handoff_no_staff", "utter_handoff_priority_no_staff",
    "utter_emergency_access", "utter_ask_rephrase", "utter_fallback_offer_human", "utter_greet",
    *(f"utter_{i}" for i in SAFETY_INTENTS),
)


def validate(project: Project, raw: RawProject, strict: bool = True) -> list[Problem]:
    """All problems (errors and warnings), parse problems first.

    `strict` (the shipped files, `neuvo bot validate`): exactly the fixed catalogue, with the
    full example counts. Not strict (content edited in the content editor): intents may be
    added, renamed or removed except the safety intents and `request_human`, which the policy
    needs; too few examples or a missing response language are warnings."""
    _check_intents(project, raw, strict)
    _check_examples(project, raw, strict)
    _check_rules(project, raw, strict)
    _check_responses(project, raw, strict)
    _check_side_files(project, raw)
    return raw.problems


def _domain_line(raw: RawProject, *path: str) -> int:
    node = raw.nodes.get(DOMAIN_FILE)
    for key in path:
        node = child(node, key)
    return line_of(node) or 1


def _check_intents(project: Project, raw: RawProject, strict: bool) -> None:
    line = _domain_line(raw, "intents")
    if not strict:
        for intent in REQUIRED_INTENTS:
            if intent not in project.intents:
                raw.error(DOMAIN_FILE, line, f"intent '{intent}' is required (the bot's safety "
                                             "and handoff depend on it)")
        return
    for intent in project.intents:
        if intent not in ALL_INTENTS:
            raw.error(DOMAIN_FILE, line, f"intent '{intent}' is not in the fixed catalogue "
                                         "(bot/catalogue.py)")
    for intent in ALL_INTENTS:
        if project.intents and intent not in project.intents:
            raw.error(DOMAIN_FILE, line, f"catalogue intent '{intent}' is missing from 'intents'")


def _check_examples(project: Project, raw: RawProject, strict: bool) -> None:
    seen: dict[str, tuple[str, str, int]] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for ex in project.examples:
        if project.intents and ex.intent not in project.intents:
            raw.error(ex.file, ex.line, f"intent '{ex.intent}' is not declared in {DOMAIN_FILE}")
        key = fold(clean(ex.text))
        if not key:
            raw.error(ex.file, ex.line, f"intent '{ex.intent}': example has no words")
            continue
        counts[(ex.intent, ex.lang)] += 1
        if key in seen and seen[key][0] != ex.intent:
            other = seen[key]
            raw.error(ex.file, ex.line, f"example {ex.text!r} is under '{ex.intent}' and also under "
                                        f"'{other[0]}' ({other[1]}:{other[2]})")
        seen.setdefault(key, (ex.intent, ex.file, ex.line))
    for intent in ALL_INTENTS if strict else project.intents:
        if not strict and not any(counts[(intent, lang)] for lang in NLU_FILES):
            raw.error(DOMAIN_FILE, line_of(child(raw.nodes.get(DOMAIN_FILE), "intents")) or 1,
                      f"intent '{intent}' has no training examples")
            continue
        for lang, rel in NLU_FILES.items():
            n = counts[(intent, lang)]
            if n < MIN_EXAMPLES[lang]:
                level = raw.error if n == 0 and strict else raw.warn
                level(rel, 1, f"intent '{intent}' has {n} {lang} examples (aim for {MIN_EXAMPLES[lang]}+)")


def _check_rules(project: Project, raw: RawProject, strict: bool) -> None:
    node = child(raw.nodes.get(RULES_FILE), "rules")
    known = set(project.intents) | {FALLBACK_INTENT}
    for i, (intent, actions) in enumerate(project.rules.items()):
        line = line_of(child(node, i)) or 1
        if intent not in known:
            raw.error(RULES_FILE, line, f"rule uses unknown intent '{intent}'")
        for action in actions:
            if action.startswith("utter_"):
                if action not in project.responses:
                    raw.error(RULES_FILE, line, f"rule uses response '{action}' not defined in {DOMAIN_FILE}")
            elif action not in BUILTIN_ACTIONS:
                raw.error(RULES_FILE, line, f"rule uses unknown action '{action}' "
                                            f"(known: {', '.join(BUILTIN_ACTIONS)})")
            elif project.actions and action not in project.actions:
                raw.error(RULES_FILE, line, f"action '{action}' is not listed under 'actions' "
                                            f"in {DOMAIN_FILE}")
    for intent in (*(ALL_INTENTS if strict else project.intents), FALLBACK_INTENT):
        if project.rules and intent not in project.rules:
            raw.error(RULES_FILE, 1, f"no rule answers intent '{intent}'")


def _check_responses(project: Project, raw: RawProject, strict: bool) -> None:
    try:
        facts = load_facts(project.root)
    except ValueError as exc:
        raw.error(COUNTY_FILE, 1, str(exc))
        return
    allowed = facts.keys | CONTEXT_KEYS
    for name in ACTION_RESPONSES:
        if project.responses and name not in project.responses:
            raw.error(DOMAIN_FILE, _domain_line(raw, "responses"),
                      f"response '{name}' is required but missing")
    for name, by_lang in project.responses.items():
        line = _domain_line(raw, "responses", name)
        for lang in ("fi", "sv", "en"):
            if lang not in by_lang:
                level = raw.error if strict else raw.warn
                level(DOMAIN_FILE, line, f"response '{name}' has no '{lang}' variant")
        for variants in by_lang.values():
            for v in variants:
                for key in placeholders(v.text):
                    if key not in allowed:
                        raw.error(DOMAIN_FILE, line, f"response '{name}' uses unknown placeholder "
                                                     f"{{{key}}} (define it in {COUNTY_FILE})")
                for b in v.buttons:
                    payload = b.payload.lstrip("/").split("{")[0]
                    if b.payload.startswith("/") and payload not in known_payloads(project):
                        raw.error(DOMAIN_FILE, line, f"response '{name}': button payload '{b.payload}' "
                                                     "names no known intent")


def known_payloads(project: Project) -> set[str]:
    return set(project.intents) | {FALLBACK_INTENT}


def _check_side_files(project: Project, raw: RawProject) -> None:
    try:
        load_safety(project.root / "safety.yml")
    except (OSError, ValueError) as exc:
        raw.error("safety.yml", 1, str(exc))
    try:
        facts = load_facts(project.root)
    except (OSError, ValueError):
        return
    for lang in ("fi", "sv", "en"):
        missing = sorted(k for k in facts.configured if k not in facts.generic.get(lang, {}))
        if missing:
            raw.error(COUNTY_FILE, 1, f"generic '{lang}' wording missing for: {', '.join(missing)}")


def load_project(root: Path = DEFAULT_PROJECT, strict: bool = True) -> Project:
    """Parse and validate; raises ProjectError listing every error (file:line: problem)."""
    project, raw = parse_project(root)
    problems = validate(project, raw, strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ProjectError(errors)
    return project
