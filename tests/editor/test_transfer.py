"""Rasa zip import checks without a server: malicious and broken uploads are refused whole
(size, zip bombs, path traversal, links, bad YAML with file and line, missing files), and an
export reads back to the same content."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from bot import content as bot_content
from server.services.content import transfer
from server.services.errors import InvalidInput, TooLarge


@pytest.fixture(scope="module")
def shipped() -> bot_content.Content:
    return bot_content.from_directory()[0]


def _zip(entries: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _project(content: bot_content.Content) -> dict[str, bytes | str]:
    return dict(bot_content.to_files(content))


def test_export_reads_back_to_the_same_content(shipped: bot_content.Content) -> None:
    data = transfer.export_zip(shipped, 1)
    files, ignored = transfer.read_zip(data)
    assert ignored == ["README.txt: not a file Neuvo uses"]
    content, more = transfer.parse_files(files)
    assert content == shipped and more == []


def test_a_zipped_project_folder_is_accepted(shipped: bot_content.Content) -> None:
    entries = {f"neuvo-bot/{k}": v for k, v in _project(shipped).items()}
    files, _ = transfer.read_zip(_zip(entries))
    assert set(files) == set(bot_content.PROJECT_FILES)


@pytest.mark.parametrize("name", ["../domain.yml", "/etc/passwd", "data/../../x.yml",
                                  "C:\\evil.yml", "data\\nlu\\fi.yml"])
def test_path_traversal_is_refused(shipped: bot_content.Content, name: str) -> None:
    entries = {**_project(shipped), name: "x: 1\n"}
    with pytest.raises(transfer.ImportRefused) as info:
        transfer.read_zip(_zip(entries))
    assert "unsafe path" in info.value.message


def test_links_are_refused(shipped: bot_content.Content) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("domain.yml")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(transfer.ImportRefused):
        transfer.read_zip(buffer.getvalue())


def test_zip_bombs_are_refused(shipped: bot_content.Content) -> None:
    bomb = _zip({**_project(shipped), "data/nlu/fi.yml": b"\n" * (50 * 1024 * 1024)})
    assert len(bomb) < transfer.MAX_ZIP_BYTES
    with pytest.raises(transfer.ImportRefused) as info:
        transfer.read_zip(bomb)
    assert "zip bomb" in info.value.message
    ratio = _zip({"domain.yml": b" " * (1024 * 1024)})
    with pytest.raises(transfer.ImportRefused):
        transfer.read_zip(ratio)
    many = _zip({f"f{i}.txt": "x" for i in range(transfer.MAX_ENTRIES + 1)})
    with pytest.raises(transfer.ImportRefused):
        transfer.read_zip(many)


def test_size_and_format(shipped: bot_content.Content) -> None:
    with pytest.raises(TooLarge):
        transfer.read_zip(b"0" * (transfer.MAX_ZIP_BYTES + 1))
    with pytest.raises(InvalidInput):
        transfer.read_zip(b"this is not a zip")


def test_yaml_errors_are_reported_with_file_and_line(shipped: bot_content.Content) -> None:
    files = {k: v.encode() if isinstance(v, str) else v for k, v in _project(shipped).items()}
    files["data/nlu/sv.yml"] = (b'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n'
                                b"    - hej\n  - bad: [\n")
    with pytest.raises(transfer.ImportRefused) as info:
        transfer.parse_files(files)
    assert any(p.startswith("data/nlu/sv.yml:") for p in info.value.problems), info.value.problems


def test_missing_files_and_bad_encoding_are_refused(shipped: bot_content.Content) -> None:
    files = {k: v.encode() for k, v in bot_content.to_files(shipped).items()}
    del files["domain.yml"]
    with pytest.raises(transfer.ImportRefused) as info:
        transfer.parse_files(files)
    assert "domain.yml" in info.value.message
    files = {k: v.encode() for k, v in bot_content.to_files(shipped).items()}
    files["data/rules.yml"] = b"\xff\xfe rules"
    with pytest.raises(transfer.ImportRefused):
        transfer.parse_files(files)


def test_over_the_limits_is_refused(shipped: bot_content.Content) -> None:
    content = bot_content.from_directory()[0]
    content["examples"]["greet"]["fi"].append("x" * 300)
    files = {k: v.encode() for k, v in bot_content.to_files(content).items()}
    with pytest.raises(transfer.ImportRefused) as info:
        transfer.parse_files(files)
    assert "longer than" in info.value.problems[0]
