"""EmbeddedBot: the in-process runtime over the Rasa project files.

Construction is cheap. The trained engine is loaded on first use from a pickle cache keyed by
a hash of the content files (and the engine and scikit-learn versions), or trained and cached
(a few seconds). Classification runs in a worker thread, never on the event loop; the engine
is immutable after training, so any number of chats can use it at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path

import sklearn

from bot.api import BotContext, BotTurn
from bot.engine import policy
from bot.engine.engine import Engine, Parse
from bot.engine.loader import DEFAULT_PROJECT
from bot.engine.project import content_hash
from bot.engine.validate import load_project

log = logging.getLogger(__name__)
ENGINE_VERSION = "3"  # bump when the pickled engine changes shape


def cache_dir(explicit: Path | None = None) -> Path:
    """Where trained models are cached: `explicit` (the server passes NEUVO_BOT_CACHE_DIR from
    its settings), else NEUVO_BOT_CACHE_DIR for the standalone bot tools, else the XDG cache."""
    if explicit is not None:
        return explicit
    named = os.environ.get("NEUVO_BOT_CACHE_DIR")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "neuvo" / "bot-models"


def cache_path(root: Path, directory: Path | None = None) -> Path:
    key = f"{content_hash(root)}-e{ENGINE_VERSION}-sk{sklearn.__version__}"
    return cache_dir(directory) / f"model-{key}.pkl"


def load_engine(root: Path = DEFAULT_PROJECT, use_cache: bool = True,
                directory: Path | None = None, strict: bool = True) -> Engine:
    """The trained engine for the project at `root` (cached model if the content is unchanged)."""
    path = cache_path(root, directory)
    if use_cache and path.exists():
        try:
            with path.open("rb") as fh:
                engine = pickle.load(fh)  # our own cache file, written below
            if isinstance(engine, Engine):
                engine.project.root = root
                return engine
        except Exception as exc:  # a stale or corrupt cache: retrain
            log.warning("bot model cache unreadable (%s); retraining", type(exc).__name__)
    engine = Engine.train(load_project(root, strict))
    if use_cache:
        write_cache(path, engine)
    return engine


def write_cache(path: Path, engine: Engine) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as fh:
            pickle.dump(engine, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
    except OSError as exc:
        log.warning("cannot write bot model cache (%s)", exc)


class EmbeddedBot:
    """Implements bot.api.Bot. Stateless per chat: the server passes the fallback streak."""

    def __init__(self, root: Path = DEFAULT_PROJECT, engine: Engine | None = None,
                 facts: dict[str, str] | None = None, use_cache: bool = True,
                 cache_directory: Path | None = None) -> None:
        self._root = root
        self._engine = engine
        self._facts = dict(facts or {})
        self._use_cache = use_cache
        self._cache_directory = cache_directory
        self._lock = threading.Lock()

    @classmethod
    def from_project(cls, root: Path = DEFAULT_PROJECT, facts: dict[str, str] | None = None,
                     cache_directory: Path | None = None) -> EmbeddedBot:
        return cls(root=root, facts=facts, cache_directory=cache_directory)

    def engine(self) -> Engine:
        """Load or train once (thread-safe); blocking, so call it off the event loop."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = load_engine(self._root, self._use_cache,
                                               self._cache_directory)
        return self._engine

    async def warm_up(self) -> None:
        await asyncio.to_thread(self.engine)

    def _ctx(self, ctx: BotContext) -> BotContext:
        if not self._facts:
            return ctx
        from dataclasses import replace

        return replace(ctx, facts={**self._facts, **ctx.facts})

    def parse(self, text: str, lang: str | None = None) -> Parse:
        return self.engine().parse(text, lang)

    def respond_sync(self, text: str, ctx: BotContext) -> BotTurn:
        engine = self.engine()
        return policy.respond(engine, engine.parse(text, ctx.lang), self._ctx(ctx), text)

    async def greet(self, ctx: BotContext) -> BotTurn:
        engine = await asyncio.to_thread(self.engine)
        return policy.greet(engine, self._ctx(ctx))

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        turn = await asyncio.to_thread(self.respond_sync, text, ctx)
        log.debug("bot turn chat=%s intent=%s safety=%s handoff=%s", ctx.chat_id, turn.intent,
                  turn.safety, turn.handoff)
        return turn

    async def close(self) -> None:
        return None
