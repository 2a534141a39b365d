"""Meta-tests for architecture rule 1 (typed frames, one union per socket, a dispatch table):
the documented frame examples parse with server/protocol, every frame type is documented,
and each socket's handler table covers exactly its union."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from server.protocol import client, frames
from server.web.ws_resident import ResidentConnection
from server.web.ws_staff import StaffConnection

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Placeholder values ("…", "0b7c…uuid") stand for real ones: a valid value per field name.
PLACEHOLDERS = {"client_msg_id": "0b7c5d6e-4f3a-4b2c-9d1e-0f1a2b3c4d5e", "chat_id": "c0ffee42",
                "token": "resident-token", "to": "britta"}


def union_types(union: Any) -> dict[str, type[BaseModel]]:
    """The frame classes of a discriminated union, by their `type` literal."""
    members = typing.get_args(typing.get_args(union)[0])
    return {typing.get_args(m.model_fields["type"].annotation)[0]: m for m in members}


RESIDENT = union_types(client.ResidentFrame)
STAFF = union_types(client.StaffFrame)
SERVER = union_types(frames.AnyServerFrame)
# Frames that travel only on the bus between processes, never to a client.
BUS_ONLY = {"session.revoked", "staff.changed", "config.changed", "content.published"}


def protocol_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.name == "README.md":  # only the protocol section
        start = text.index("## Protocol v1")
        return text[start:text.index("\n## ", start + 1)]
    return text


def examples() -> list[tuple[str, str, dict[str, Any]]]:
    """(where, kind, frame) for every JSON frame in the docs' json code blocks; `kind` is
    'client' or 'server' from the sentence before the block."""
    found = []
    for path in DOCS:
        text = protocol_text(path)
        for block in re.finditer(r"```json\n(.*?)```", text, re.S):
            before = text[:block.start()].rsplit("\n\n", 1)[-1].lower()
            kind = "server" if "server frames" in before else "client"
            for number, line in enumerate(block.group(1).splitlines(), start=1):
                if not line.startswith('{"type"'):
                    continue
                frame, _ = json.JSONDecoder().raw_decode(line)  # text after it is a remark
                where = f"{path.name} block at offset {block.start()} line {number}"
                found.append((where, kind, frame))
    return found


def concrete(frame: dict[str, Any]) -> dict[str, Any]:
    return {k: (PLACEHOLDERS.get(k, "x") if isinstance(v, str) and "…" in v else v)
            for k, v in frame.items()}


EXAMPLES = examples()


def test_the_docs_have_frame_examples_of_both_kinds() -> None:
    kinds = [kind for _, kind, _ in EXAMPLES]
    assert kinds.count("client") >= 15 and kinds.count("server") >= 10


@pytest.mark.parametrize(("where", "kind", "frame"), EXAMPLES,
                         ids=[f"{k}:{f['type']}:{i}" for i, (_, k, f) in enumerate(EXAMPLES)])
def test_every_documented_frame_parses(where: str, kind: str, frame: dict[str, Any]) -> None:
    data = json.dumps(concrete(frame))
    if kind == "server":
        parsed = frames.decode_server(data)
        assert parsed.type == frame["type"], where  # type: ignore[attr-defined]
        return
    errors = []
    for adapter in (client.RESIDENT_FRAMES, client.STAFF_FRAMES):
        try:
            adapter.validate_json(data)
            return
        except ValidationError as exc:
            errors.append(str(exc))
    pytest.fail(f"{where}: {frame} is neither a resident nor a staff frame:\n" + "\n".join(errors))


@pytest.mark.parametrize("frame_type", sorted((set(RESIDENT) | set(STAFF) | set(SERVER)) - BUS_ONLY))
def test_every_frame_type_is_documented(frame_type: str) -> None:
    text = "\n".join(protocol_text(p) for p in DOCS)
    assert f'"type": "{frame_type}"' in text or f"`{frame_type}" in text, frame_type


def handler_types(cls: type[Any], **attributes: Any) -> set[str]:
    """The keys of a socket's dispatch table (built without a real socket)."""
    connection = object.__new__(cls)
    for name, value in attributes.items():
        setattr(connection, name, value)
    return set(connection.handlers())


def test_the_resident_socket_handles_exactly_its_union() -> None:
    assert handler_types(ResidentConnection, chat=None) == {"hello"}
    assert handler_types(ResidentConnection, chat=object()) == set(RESIDENT)


def test_the_staff_socket_handles_exactly_its_union() -> None:
    assert handler_types(StaffConnection) == set(STAFF)
