"""Prometheus metrics (no personal data in labels)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

CONNECTIONS = Gauge("neuvo_ws_connections", "Open WebSocket connections", ["kind"])
SLOW_DROPPED = Counter("neuvo_ws_slow_dropped_total", "Connections dropped for not reading",
                       ["kind"])
FRAME_ERRORS = Counter("neuvo_ws_frame_errors_total", "Error frames sent", ["kind", "code"])
MESSAGES = Counter("neuvo_messages_total", "Chat messages stored", ["author"])
CHATS_CREATED = Counter("neuvo_chats_created_total", "Chats created", ["lang"])
