"""Every Prometheus metric of the server, in one place (no personal data in labels: kinds,
authors, codes and languages only). Any layer may import this module; it imports nothing of
the server.

Each server process serves its own /metrics; Prometheus scrapes every process (pod) and sums.
Gauges that describe the whole service (queue, staff on duty) are the same on every process:
aggregate them with max(), not sum().
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CONNECTIONS = Gauge("neuvo_ws_connections", "Open WebSocket connections", ["kind"])
SLOW_DROPPED = Counter("neuvo_ws_slow_dropped_total", "Connections dropped for not reading",
                       ["kind"])
FRAME_ERRORS = Counter("neuvo_ws_frame_errors_total", "Error frames sent", ["kind", "code"])
MESSAGES = Counter("neuvo_messages_total", "Chat messages stored", ["author"])
CHATS_CREATED = Counter("neuvo_chats_created_total", "Chats created", ["lang"])

FRAME_SECONDS = Histogram(
    "neuvo_frame_handling_seconds",
    "Time from receiving a client frame to its reply being queued (message.send: stored, acked)",
    ["kind", "type"], buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
BOT_SECONDS = Histogram(
    "neuvo_bot_turn_seconds", "Bot latency per turn", ["call"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
BOT_FAILURES = Counter("neuvo_bot_failures_total", "Bot calls that raised", ["call"])
HTTP_ERRORS = Counter("neuvo_http_errors_total", "HTTP error responses", ["code"])
QUEUE_WAIT = Histogram(
    "neuvo_queue_wait_seconds",
    "Time from handoff to the first person taking the chat (observed at that accept)", ["lang"],
    buckets=(5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600))

BUS_RECONNECTS = Counter("neuvo_bus_reconnects_total", "Redis bus reconnects")
BUS_CONNECTED = Gauge("neuvo_bus_connected", "1 while the Redis bus reader is subscribed")
MESSAGE_BATCH_SIZE = Histogram("neuvo_message_batch_size", "Messages stored per group commit",
                               buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500))
MESSAGE_BATCH_SECONDS = Histogram("neuvo_message_batch_seconds",
                                  "Time to store and publish one group commit",
                                  buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1,
                                           2.5))

# Refreshed on every scrape (server/services/operations.py).
QUEUE_LENGTH = Gauge("neuvo_queue_length", "Chats waiting in the queue", ["lang"])
QUEUE_LONGEST_WAIT = Gauge("neuvo_queue_longest_wait_seconds",
                           "How long the longest-waiting chat has waited", ["lang"])
STAFF_ON_DUTY = Gauge("neuvo_staff_on_duty", "Staff members on duty and available")
SERVICE_OPEN = Gauge("neuvo_service_open", "1 within service hours")
DB_RTT = Gauge("neuvo_database_roundtrip_seconds", "Database ping time (-1: unreachable)")
REDIS_RTT = Gauge("neuvo_redis_roundtrip_seconds",
                  "Redis ping time (-1: unreachable, 0: not configured)")
SHUTTING_DOWN = Gauge("neuvo_shutting_down", "1 after SIGTERM, until the process exits")
