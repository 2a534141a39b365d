"""`neuvo anonymise`: one text per line on stdin, one JSON object per line on stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from server import vocabulary


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("anonymise", help="mask personal data, one text per line on stdin")
    cmd.add_argument("--lang", choices=vocabulary.LANGS, default="fi")
    cmd.add_argument("--keep", action="append", default=[],
                     help="a number never masked (may be given several times); the county's "
                          "numbers from NEUVO_COUNTY_FACTS are kept too")
    cmd.set_defaults(func=run)


def _county_numbers() -> list[str]:
    path = os.environ.get("NEUVO_COUNTY_FACTS")
    if not path:
        return []
    from bot.runtime import read_county_facts

    return list(read_county_facts(Path(path)).values())


def run(args: argparse.Namespace, stdin: BinaryIO | None = None, stdout: TextIO | None = None) -> int:
    from server.privacy import Anonymiser

    source = stdin if stdin is not None else sys.stdin.buffer
    out = stdout if stdout is not None else sys.stdout
    try:
        anonymiser = Anonymiser(keep=[*args.keep, *_county_numbers()])
    except ValueError as exc:
        print(f"neuvo: {exc}", file=sys.stderr)
        return 2
    for number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            print(f"neuvo: line {number} is not valid UTF-8", file=sys.stderr)
            return 1
        masked, entities = anonymiser.mask(line, args.lang)
        out.write(json.dumps({"text": masked, "entities": [
            {"type": e.type, "start": e.start, "end": e.end} for e in entities]},
            ensure_ascii=False) + "\n")
        out.flush()
    return 0
