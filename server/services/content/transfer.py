"""Rasa interoperability: any version as a Rasa project zip, and a zip imported into the
draft. Uploads are checked before anything is kept: size, entry count, compression ratio
(zip bombs), paths (traversal, absolute paths, links) and YAML (file and line); an upload
with any problem is refused whole and the draft is untouched."""

from __future__ import annotations

import asyncio
import io
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from bot import content as bot_content
from bot.engine.project import parse_project
from server.services.content import store
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, NotFound, TooLarge

MAX_ZIP_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 50
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 12 * 1024 * 1024
MAX_RATIO = 100
MAX_EXAMPLE_CHARS = 200
MAX_EXAMPLES = 500  # per intent and language
MAX_RESPONSE_CHARS = 2000
WANTED = set(bot_content.PROJECT_FILES)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


class ImportRefused(InvalidInput):
    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems

    def details(self) -> dict[str, Any]:
        return {"problems": self.problems}


def export_zip(content: bot_content.Content, version: int) -> bytes:
    """config.yml, domain.yml, data/nlu/*.yml, data/rules.yml (what `rasa train` reads)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel, text in bot_content.to_files(content).items():
            archive.writestr(zipfile.ZipInfo(rel, ZIP_TIME), text.encode("utf-8"))
        archive.writestr(zipfile.ZipInfo("README.txt", ZIP_TIME),
                         f"Neuvo bot content, version {version}: a Rasa 3.x project.\n")
    return buffer.getvalue()


async def export_zip_of(ctx: ServiceContext, version: int) -> bytes:
    content = await store.version_content(ctx, version)
    if content is None:
        raise NotFound(f"no version {version}")
    return await asyncio.to_thread(export_zip, content, version)


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if ("\\" in name or name.startswith("/") or ".." in path.parts or ":" in name
            or any(ord(c) < 32 for c in name)):
        raise ImportRefused("the zip has an unsafe path; nothing was imported", [name])
    return str(path)


def read_zip(data: bytes) -> tuple[dict[str, bytes], list[str]]:
    """The wanted project files (by relative path) and a list of ignored entries."""
    if len(data) > MAX_ZIP_BYTES:
        raise TooLarge(f"the zip is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MiB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput("the file is not a zip archive") from None
    if len(infos) > MAX_ENTRIES:
        raise ImportRefused(f"the zip has more than {MAX_ENTRIES} entries", [])
    names = [_safe_name(i.filename) for i in infos]
    total = sum(i.file_size for i in infos)
    for info in infos:
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ImportRefused("the zip contains a link; nothing was imported", [info.filename])
        if info.file_size > MAX_FILE_BYTES or (
                info.compress_size and info.file_size / info.compress_size > MAX_RATIO):
            raise ImportRefused("the zip unpacks to too much data (a zip bomb?)", [info.filename])
    if total > MAX_TOTAL_BYTES:
        raise ImportRefused("the zip unpacks to too much data (a zip bomb?)", [])
    prefix = _common_folder([n for n, i in zip(names, infos, strict=True) if not i.is_dir()])
    files: dict[str, bytes] = {}
    ignored: list[str] = []
    for name, info in zip(names, infos, strict=True):
        if info.is_dir():
            continue
        rel = name[len(prefix):]
        if rel not in WANTED:
            ignored.append(f"{name}: not a file Neuvo uses")
            continue
        with archive.open(info) as fh:
            body = fh.read(MAX_FILE_BYTES + 1)
        if len(body) > MAX_FILE_BYTES:
            raise ImportRefused("the zip unpacks to too much data (a zip bomb?)", [name])
        files[rel] = body
    return files, ignored


def _common_folder(names: list[str]) -> str:
    """A zip of a project folder: strip the folder ("neuvo-bot/domain.yml")."""
    if names and all(n not in WANTED for n in names):
        first = names[0].split("/", 1)[0] + "/"
        if all(n.startswith(first) for n in names):
            return first
    return ""


def parse_files(files: dict[str, bytes]) -> tuple[bot_content.Content, list[str]]:
    """Refuse (listing every problem as file:line) or return the content and what was
    ignored."""
    missing = sorted(WANTED - set(files) - {"data/nlu/sv.yml", "data/nlu/en.yml"})
    if missing:
        raise ImportRefused("the zip is missing files: " + ", ".join(missing), missing)
    with tempfile.TemporaryDirectory(prefix="neuvo-import-") as tmp:
        root = Path(tmp)
        for rel, body in files.items():
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportRefused(f"{rel} is not UTF-8 text", [rel]) from None
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        for rel in ("data/nlu/sv.yml", "data/nlu/en.yml"):
            if not (root / rel).exists():
                (root / rel).write_text("version: \"3.1\"\nnlu: []\n", encoding="utf-8")
        _, raw = parse_project(root)
        errors = [str(p) for p in raw.problems if p.severity == "error"]
        if errors:
            raise ImportRefused(f"the project has {len(errors)} problems; nothing was "
                                "imported", errors[:50])
        content, ignored = bot_content.from_directory(root)
    problems = check_limits(content)
    if problems:
        raise ImportRefused("the content is over the editor's limits; nothing was imported",
                            problems[:50])
    return content, ignored


def check_limits(content: bot_content.Content) -> list[str]:
    problems = []
    for intent, by_lang in content["examples"].items():
        for lang, texts in by_lang.items():
            if len(texts) > MAX_EXAMPLES:
                problems.append(f"'{intent}' has more than {MAX_EXAMPLES} {lang} examples")
            problems += [f"'{intent}': example longer than {MAX_EXAMPLE_CHARS} characters"
                         for t in texts if len(t) > MAX_EXAMPLE_CHARS]
    for name, variants in content["responses"].items():
        problems += [f"'{name}': answer longer than {MAX_RESPONSE_CHARS} characters"
                     for v in variants if len(str(v.get("text", ""))) > MAX_RESPONSE_CHARS]
    return problems


async def import_zip(ctx: ServiceContext, staff: str, data: bytes) -> dict[str, Any]:
    files, ignored = await asyncio.to_thread(read_zip, data)
    content, more = await asyncio.to_thread(parse_files, files)
    draft = await store.read_draft(ctx)
    await store.reset_draft(ctx, staff, content, draft.based_on)
    return {"intents": len(content["intents"]), "ignored": ignored + more}
