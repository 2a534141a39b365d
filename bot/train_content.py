"""Train content in a child process: `python -m bot.train_content PROJECT_DIR [CACHE_DIR]`.

The server publishes and switches content while it serves chats. Training is CPU-bound
Python and numpy; in a thread of the server it would compete with the event loop for the
GIL. Here it runs in its own process at the lowest CPU priority and writes the model cache;
the server then only loads the pickle. Exit 0 when the model is cached, 1 with the problems
on stderr when the content cannot be used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m bot.train_content PROJECT_DIR [CACHE_DIR]", file=sys.stderr)
        return 2
    try:
        os.nice(19)
    except OSError:
        pass
    from bot.embedded import cache_path, load_engine
    from bot.engine.loader import ProjectError

    root = Path(argv[0])
    cache = Path(argv[1]) if len(argv) == 2 else None
    if cache_path(root, cache).exists():
        return 0
    try:
        load_engine(root, True, cache, strict=False)
    except ProjectError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
