"""Liveness, readiness and metrics."""

from __future__ import annotations

import asyncio

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.api import LANGS
from server import metrics as m
from server.services import operations
from server.web.runtime import runtime

CHECK_TIMEOUT_S = 2.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready while the database answers. A Redis outage is reported ("degraded") but keeps
    the process ready: chats go on without Redis (stored, acked, caught up when it is back),
    and taking every process out of rotation at once would turn it into a full outage."""
    if runtime(request).shutdown.draining:  # SIGTERM: take this process out of rotation
        return JSONResponse({"status": "shutting_down", "checks": {}}, status_code=503)
    ctx = runtime(request).ctx
    checks: dict[str, str] = {}
    for name, probe in (("database", ctx.db.ping), ("bus", ctx.backends.bus.ping)):
        if name == "bus" and ctx.backends.redis is None:
            checks[name] = "in-process"
            continue
        try:
            await asyncio.wait_for(probe(), CHECK_TIMEOUT_S)
            checks[name] = "ok"
        except Exception as exc:  # say which part failed and how
            checks[name] = f"unavailable: {type(exc).__name__}"
    if checks["database"] != "ok":
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    status = "ready" if checks["bus"] in ("ok", "in-process") else "degraded"
    return JSONResponse({"status": status, "checks": checks})


async def metrics(request: Request) -> Response:
    """Prometheus text format. The queue, staff and round-trip gauges are read now."""
    snap = await operations.snapshot(runtime(request).ctx, LANGS)
    for lang, stats in snap.queues.items():
        m.QUEUE_LENGTH.labels(lang).set(stats.length)
        m.QUEUE_LONGEST_WAIT.labels(lang).set(stats.longest_wait_s)
    m.STAFF_ON_DUTY.set(snap.staff_on_duty)
    m.SERVICE_OPEN.set(1 if snap.service_open else 0)
    m.DB_RTT.set(-1 if snap.database_rtt_s is None else snap.database_rtt_s)
    if runtime(request).ctx.backends.redis is None:
        m.REDIS_RTT.set(0)  # not configured: the in-process bus is always there
        m.BUS_CONNECTED.set(1)
    else:
        m.REDIS_RTT.set(-1 if snap.redis_rtt_s is None else snap.redis_rtt_s)
    m.SHUTTING_DOWN.set(1 if runtime(request).shutdown.draining else 0)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
