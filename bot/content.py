"""Bot content as data: the Rasa project (config, domain, NLU examples, rules) as one
JSON-serialisable dict, so that it can live outside `bot/` (the server keeps versions of it
in its database) and still be written back as a Rasa project or trained into an engine.

    {"format": 1,
     "config": "<config.yml text>",
     "domain": {<domain.yml keys other than intents and responses, e.g. slots, actions>},
     "intents": ["greet", ...],                                  # in domain order
     "examples": {"greet": {"fi": ["moi", ...], "sv": [...], "en": [...]}},
     "responses": {"utter_greet": [<Rasa response variants, verbatim>]},
     "rules": [<Rasa rules, verbatim>]}

`safety.yml` and `county.yml` are not content: they always come from the shipped project.
This module is part of the bot leaf package and never imports `server/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.engine.engine import Engine
from bot.engine.loader import DEFAULT_PROJECT, NLU_FILES, RULES_FILE, Problem, ProjectError
from bot.engine.project import CONFIG_FILE, DOMAIN_FILE, SAFETY_ACTION, parse_project

Content = dict[str, Any]
FORMAT = 1
SIDE_FILES = ("safety.yml", "county.yml")
PROJECT_FILES = (CONFIG_FILE, DOMAIN_FILE, RULES_FILE, *NLU_FILES.values())
RASA_VERSION = "3.1"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class _Dumper(yaml.SafeDumper):
    """Block style; multi-line texts (the examples block) as `|` literals."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)


def response_name(intent: str) -> str:
    """The response that answers an intent in the content editor's view."""
    return f"utter_{intent}"


def safety_intents(content: Content) -> frozenset[str]:
    """The catalogue's safety intents and the intents whose rule runs `action_safety` (marked
    by an editor): the same set the engine's Project.safety_intents gives."""
    from bot.catalogue import SAFETY_INTENTS

    marked = set()
    for rule in content.get("rules") or []:
        steps = rule.get("steps") if isinstance(rule, dict) else None
        if isinstance(steps, list) and steps and isinstance(steps[0], dict) \
                and "intent" in steps[0] and {"action": SAFETY_ACTION} in steps[1:]:
            marked.add(str(steps[0]["intent"]))
    return frozenset(SAFETY_INTENTS) | marked


def variant_lang(variant: dict[str, Any]) -> str:
    """The language of one Rasa response variant (the unconditional one is Finnish)."""
    for cond in variant.get("condition") or []:
        if isinstance(cond, dict) and cond.get("name") == "language":
            return str(cond.get("value"))
    return "fi"


def make_variant(lang: str, text: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
    """A Rasa response variant in `lang` (Finnish is the unconditional default)."""
    variant: dict[str, Any] = {}
    if lang != "fi":
        variant["condition"] = [{"type": "slot", "name": "language", "value": lang}]
    variant["text"] = text
    if buttons:
        variant["buttons"] = [{"title": b["title"], "payload": b["payload"]} for b in buttons]
    return variant


def digest(content: Content) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def from_directory(root: Path = DEFAULT_PROJECT) -> tuple[Content, list[str]]:
    """Read a Rasa project directory. Returns the content and what was ignored (plain text).
    The files must parse (check them with `problems_in_directory` first)."""
    ignored: list[str] = []

    def load(rel: str) -> Any:
        path = root / rel
        if not path.exists():
            return None
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # a safe loader

    domain = load(DOMAIN_FILE) or {}
    intents = [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []]
    examples: dict[str, dict[str, list[str]]] = {name: {} for name in intents}
    for lang, rel in NLU_FILES.items():
        for item in (load(rel) or {}).get("nlu") or []:
            if not isinstance(item, dict) or "intent" not in item:
                kind = next(iter(item), "item") if isinstance(item, dict) else "item"
                ignored.append(f"{rel}: a '{kind}' entry (only intents and examples are kept)")
                continue
            texts = [line.strip()[2:].strip() for line in str(item.get("examples") or "").splitlines()
                     if line.strip().startswith("- ")]
            examples.setdefault(str(item["intent"]), {}).setdefault(lang, []).extend(texts)
    for name in examples:
        if name not in intents:
            intents.append(name)
    rest = {k: v for k, v in domain.items() if k not in ("intents", "responses")}
    rules_doc = load(RULES_FILE) or {}
    config = (root / CONFIG_FILE).read_text(encoding="utf-8") if (root / CONFIG_FILE).exists() else ""
    content: Content = {
        "format": FORMAT, "config": config, "domain": rest, "intents": intents,
        "examples": examples, "responses": dict(domain.get("responses") or {}),
        "rules": list(rules_doc.get("rules") or []),
    }
    return content, ignored


def to_files(content: Content) -> dict[str, str]:
    """The Rasa project files of `content` (relative path → text)."""
    domain = dict(content.get("domain") or {})
    domain_doc: dict[str, Any] = {"version": str(domain.pop("version", RASA_VERSION)),
                                  "intents": list(content["intents"])}
    domain_doc.update(domain)
    domain_doc["responses"] = content["responses"]
    files = {CONFIG_FILE: content["config"], DOMAIN_FILE: dump_yaml(domain_doc),
             RULES_FILE: dump_yaml({"version": RASA_VERSION, "rules": content["rules"]})}
    for lang, rel in NLU_FILES.items():
        items = []
        for intent in content["intents"]:
            texts = content["examples"].get(intent, {}).get(lang) or []
            if texts:
                items.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)})
        files[rel] = dump_yaml({"version": RASA_VERSION, "nlu": items})
    return files


def write_project(files: dict[str, str], target: Path) -> None:
    """Write project files and the shipped safety.yml and county.yml into `target`."""
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel in SIDE_FILES:
        shutil.copyfile(DEFAULT_PROJECT / rel, target / rel)


def problems(content: Content) -> list[Problem]:
    """Every problem the engine would refuse (errors) or tolerate (warnings), file:line."""
    with tempfile.TemporaryDirectory(prefix="neuvo-content-") as tmp:
        write_project(to_files(content), Path(tmp))
        return problems_in_directory(Path(tmp))


def problems_in_directory(root: Path) -> list[Problem]:
    from bot.engine.validate import validate

    project, raw = parse_project(root)
    return validate(project, raw, strict=False)


def materialise(content: Content, cache_directory: Path | None = None) -> Path:
    """The content as a project directory under the model cache (written once per digest)."""
    from bot.embedded import cache_dir

    root = cache_dir(cache_directory) / f"content-{digest(content)}"
    if not (root / DOMAIN_FILE).exists():
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".content-", dir=root.parent))
        write_project(to_files(content), tmp)
        try:
            os.replace(tmp, root)
        except OSError:  # another process wrote the same content first
            shutil.rmtree(tmp, ignore_errors=True)
    return root


async def train_engine(content: Content, cache_directory: Path | None = None) -> Engine:
    """Like `build_engine`, for a server: the training runs in a child process at the lowest
    CPU priority (bot/train_content.py), so it never holds this process's GIL; only loading
    the trained model runs here, in a worker thread. Raises ProjectError when the content
    cannot be used."""
    import asyncio
    import sys

    from bot.embedded import cache_path, load_engine

    root = await asyncio.to_thread(materialise, content, cache_directory)
    if not cache_path(root, cache_directory).exists():
        args = [sys.executable, "-m", "bot.train_content", str(root)]
        if cache_directory is not None:
            args.append(str(cache_directory))
        proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.PIPE)
        _, err = await proc.communicate()
        if proc.returncode != 0:
            message = err.decode("utf-8", "replace").strip()[-2000:] or f"exit {proc.returncode}"
            raise ProjectError([Problem("content", 0, message)])
    return await asyncio.to_thread(load_engine, root, True, cache_directory, False)


def build_engine(content: Content, cache_directory: Path | None = None) -> Engine:
    """Train (or load from the model cache) an engine for `content`. Blocking: call it off
    the event loop. Raises bot.engine.loader.ProjectError when the content has errors."""
    from bot.embedded import load_engine

    return load_engine(materialise(content, cache_directory), True, cache_directory, strict=False)
