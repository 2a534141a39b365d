"""Graceful shutdown on SIGTERM (a rolling restart or a scale-in).

At the signal the process reports not-ready on /readyz at once; after
NEUVO_SHUTDOWN_DELAY_S (time for a load balancer to notice) it stops accepting connections,
lets every socket finish the frame it is handling and send what is queued (acks), closes it
with 1012 ("service restart": clients reconnect, through the proxy, to another process),
waits for background work and exits — all within NEUVO_SHUTDOWN_TIMEOUT_S after the delay.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from types import FrameType
from typing import Protocol

import uvicorn

log = logging.getLogger(__name__)
CLOSE_RESTART = 1012


class Drainable(Protocol):
    def restart(self) -> None: ...


class Shutdown:
    """Shared by the app (readiness, open sockets) and the server (the signal)."""

    def __init__(self, timeout_s: float = 15.0) -> None:
        self.timeout_s = timeout_s
        self.draining = False  # not ready (from the signal on)
        self.closing = False  # sockets are being closed (after the delay)
        self.deadline: float | None = None
        self._connections: set[Drainable] = set()
        self._empty = asyncio.Event()
        self._empty.set()

    def begin(self) -> None:
        """Not ready from now on (safe to call from a signal handler)."""
        self.draining = True

    def remaining(self, default: float) -> float:
        """Seconds left of the shutdown budget (`default` before a shutdown started)."""
        if self.deadline is None:
            return default
        return max(0.0, self.deadline - time.monotonic())

    def add(self, connection: Drainable) -> None:
        self._connections.add(connection)
        self._empty.clear()
        if self.closing:
            connection.restart()  # slipped in while the sockets are being closed

    def discard(self, connection: Drainable) -> None:
        self._connections.discard(connection)
        if not self._connections:
            self._empty.set()

    async def close_connections(self) -> None:
        self.deadline = time.monotonic() + self.timeout_s
        self.closing = True
        count = len(self._connections)
        for connection in list(self._connections):
            connection.restart()
        try:
            await asyncio.wait_for(self._empty.wait(), self.remaining(0) * 0.5)
        except TimeoutError:
            log.warning("%d sockets still open after the close; the server closes them",
                        len(self._connections))
        log.info("closed %d sockets for the restart (1012)", count)


class GracefulServer(uvicorn.Server):
    """uvicorn with the shutdown order above. uvicorn alone closes every socket with 1012 the
    moment it stops, also in the middle of a frame being handled."""

    def __init__(self, config: uvicorn.Config, shutdown: Shutdown, delay_s: float) -> None:
        super().__init__(config)
        self.graceful, self.delay_s = shutdown, delay_s

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.graceful.begin()  # /readyz answers 503 from this moment
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.graceful.begin()
        log.info("shutting down: not ready; closing sockets in %.1f s", self.delay_s)
        if self.delay_s > 0 and not self.force_exit:
            await asyncio.sleep(self.delay_s)
        for server in self.servers:
            server.close()  # stop accepting: the proxy's next try goes to another process
        for sock in sockets or []:
            sock.close()
        if not self.force_exit:
            await self.graceful.close_connections()
        # uvicorn then waits for requests still running, and the app's shutdown (background
        # work such as bot turns) gets what is left of the budget.
        self.config.timeout_graceful_shutdown = max(1, int(self.graceful.remaining(1) * 0.6))
        await super().shutdown(sockets)
