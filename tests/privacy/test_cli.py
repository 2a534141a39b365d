"""`neuvo anonymise` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NEUVO = Path(sys.executable).parent / "neuvo"


def test_lines_in_json_lines_out_with_offsets() -> None:
    text = "soita 040 123 4567\n\nnimeni on Eetu Virtanen, hetu 010190-123M\n"
    done = subprocess.run([str(NEUVO), "anonymise", "--lang", "fi"], input=text.encode(),
                          capture_output=True, timeout=60, check=True)
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert rows[0] == {"text": "soita <PHONE>", "entities": [{"type": "PHONE", "start": 6, "end": 18}]}
    assert rows[1] == {"text": "", "entities": []}
    line = text.splitlines()[2]
    assert rows[2]["text"] == "nimeni on <NAME>, hetu <HETU>"
    assert [line[e["start"]:e["end"]] for e in rows[2]["entities"]] == ["Eetu Virtanen", "010190-123M"]


def test_invalid_utf8_names_the_line_and_exits_1() -> None:
    done = subprocess.run([str(NEUVO), "anonymise"], input=b"ok\nbad \xff\xfe\n", capture_output=True,
                          timeout=60)
    assert done.returncode == 1
    assert b"line 2" in done.stderr
    assert json.loads(done.stdout.decode().splitlines()[0]) == {"text": "ok", "entities": []}
