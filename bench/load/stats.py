"""Figures for one load step: percentiles, merging worker results, pass/fail checks."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

P99_TARGET_S = 0.050


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class StepResult:
    """What the generator saw in one step (merged over its worker processes)."""

    offered_rate: float
    duration_s: float
    sent: int = 0
    acked: int = 0
    delivered: int = 0
    lost: int = 0            # sent and never delivered to the paired staff member
    unacked: int = 0         # sent and never acked to the resident
    duplicated: int = 0      # delivered (or acked) more than once
    misrouted: int = 0       # delivered to a staff member who is not the pair, or unknown
    out_of_order: int = 0    # a chat's seq went backwards at the staff member
    errors: dict[str, int] = field(default_factory=dict)   # error frames by code, closed sockets
    overloaded: bool = False  # sending stopped early: oldest undelivered message too old
    send_elapsed_s: float = 0.0
    deliver_elapsed_s: float = 0.0  # start of the step -> last delivery
    e2e: list[float] = field(default_factory=list)   # scheduled send -> staff receives
    ack: list[float] = field(default_factory=list)   # scheduled send -> resident gets ack
    lag: list[float] = field(default_factory=list)   # scheduled send -> generator really sent
    server_cpu_s: float | None = None
    strict_order: bool = True  # Neuvo promises per-chat order; the baselines do not (reported only)

    def merge(self, other: StepResult) -> None:
        for name in ("sent", "acked", "delivered", "lost", "unacked", "duplicated", "misrouted",
                     "out_of_order"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, count in other.errors.items():
            self.errors[code] = self.errors.get(code, 0) + count
        self.overloaded = self.overloaded or other.overloaded
        self.strict_order = self.strict_order and other.strict_order
        self.send_elapsed_s = max(self.send_elapsed_s, other.send_elapsed_s)
        self.deliver_elapsed_s = max(self.deliver_elapsed_s, other.deliver_elapsed_s)
        self.e2e += other.e2e
        self.ack += other.ack
        self.lag += other.lag

    @property
    def faults(self) -> int:
        """Anything that must never happen, whatever the load."""
        order = self.out_of_order if self.strict_order else 0
        return (self.lost + self.unacked + self.duplicated + self.misrouted + order
                + sum(self.errors.values()))

    @property
    def delivered_rate(self) -> float:
        """Deliveries per second from the step's start to its last delivery (a server that
        falls behind is not credited with the offered rate)."""
        elapsed = max(self.send_elapsed_s, self.deliver_elapsed_s)
        return self.delivered / elapsed if elapsed else 0.0

    @property
    def generator_bound(self) -> bool:
        """The generator itself fell behind its clock: the step measures the client too."""
        lag99 = percentile(self.lag, 99)
        return lag99 is not None and lag99 > 0.010

    def passes(self, p99_target_s: float = P99_TARGET_S) -> bool:
        p99 = percentile(self.e2e, 99)
        return (self.faults == 0 and not self.overloaded and p99 is not None
                and p99 <= p99_target_s and self.sent >= 0.99 * self.offered_rate * self.duration_s)

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("e2e", "ack", "lag")}

        def ms(values: list[float], pct: float) -> float | None:
            value = percentile(values, pct)
            return None if value is None else round(value * 1000, 2)

        out.update({
            "delivered_rate": round(self.delivered_rate, 1),
            "e2e_p50_ms": ms(self.e2e, 50), "e2e_p95_ms": ms(self.e2e, 95),
            "e2e_p99_ms": ms(self.e2e, 99), "e2e_max_ms": ms(self.e2e, 100),
            "ack_p50_ms": ms(self.ack, 50), "ack_p99_ms": ms(self.ack, 99),
            "generator_lag_p99_ms": ms(self.lag, 99), "generator_bound": self.generator_bound,
            "faults": self.faults, "passes_p99_50ms": self.passes(),
            "cpu_ms_per_message": (round(self.server_cpu_s / self.delivered * 1000, 3)
                                   if self.server_cpu_s is not None and self.delivered else None),
        })
        return out
