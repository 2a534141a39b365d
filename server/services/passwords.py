"""argon2id password hashing, off the event loop.

A hash or check costs about 0.1 s of CPU. It runs in a small thread pool (argon2-cffi
releases the GIL) whose threads get only CPU time nobody else wants, so a login storm
never stalls residents' frames; the pool's size bounds how many run at once
(NEUVO_PASSWORD_HASH_THREADS).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


def _lower_priority() -> None:
    """Linux SCHED_IDLE (else the lowest nice value) for a hashing thread; the threads
    argon2 starts for its lanes inherit it. The event loop always comes first."""
    tid = threading.get_native_id()
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, tid, 19)


class _Pool:
    def __init__(self) -> None:
        # Normal priority for the command line; the server calls configure() at start-up.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")

    def configure(self, workers: int) -> None:
        old, self.executor = self.executor, ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="argon2", initializer=_lower_priority)
        old.shutdown(wait=False)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)


hashing = _Pool()


async def hash_password(password: str) -> str:
    return await hashing.run(_hasher.hash, password)


def _check(password_hash: str | None, password: str) -> bool:
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


async def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; None (unknown account) is checked against a dummy hash
    so that the answer takes as long as for a real account."""
    return await hashing.run(_check, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
