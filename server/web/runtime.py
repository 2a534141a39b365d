"""What the lifespan builds and every handler needs, as one typed object.

The lifespan yields `{"runtime": Runtime(...)}` (Starlette's lifespan state); handlers and
sockets read it with `runtime(conn)` or `service_context(conn)` instead of loose, untyped
`app.state` attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from server.bus.hub import Hub
from server.services.context import ServiceContext
from server.web.shutdown import Shutdown
from server.web.tasks import TaskRegistry


@dataclass(frozen=True)
class Runtime:
    ctx: ServiceContext
    hub: Hub
    tasks: TaskRegistry
    shutdown: Shutdown


def runtime(conn: HTTPConnection) -> Runtime:
    found = conn.state.runtime
    assert isinstance(found, Runtime)
    return found


def service_context(conn: HTTPConnection) -> ServiceContext:
    return runtime(conn).ctx
