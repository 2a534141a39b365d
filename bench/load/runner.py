"""Drives one scenario: worker processes, warm-up, fixed open-loop steps, the ramp to the
highest rate that holds p99 ≤ 50 ms (confirmed), chat creation and idle memory."""

from __future__ import annotations

import math
import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

from bench.load import worker
from bench.load.servers import STAFF_PASSWORD, Target, cpu_seconds, rss_bytes, settled_rss
from bench.load.stats import StepResult

CAPACITY = 50   # chats per staff account (the most an account may hold)


@dataclass
class Plan:
    pairs: int = 500
    staff: int = 10          # staff accounts; each holds at most CAPACITY pairs
    rates: tuple[float, ...] = (200, 500, 1000, 2000)
    step_s: float = 10.0
    warmup_rate: float = 100.0
    warmup_s: float = 3.0
    ramp: bool = True
    ramp_step_s: float = 5.0
    confirm_s: float = 10.0
    max_rate: float = 100_000.0
    bisect: int = 3
    idle: int = 5000
    idle_cpu_s: float = 3.0
    workers: int = 1
    overload_s: float = 2.0
    stall_s: float = 10.0
    drain_cap_s: float = 120.0


def staff_count(plan: Plan) -> int:
    """plan.staff accounts, more if the pairs need them, never more than the pairs."""
    return min(plan.pairs, max(plan.staff, math.ceil(plan.pairs / CAPACITY)))


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class Generator:
    """The worker processes of one scenario, driven over pipes."""

    def __init__(self, target: Target, plan: Plan) -> None:
        self.target, self.plan = target, plan
        nstaff = staff_count(plan)
        per_staff = split(plan.pairs, nstaff)
        names = target.staff or [f"s{i}" for i in range(nstaff)]
        ctx = multiprocessing.get_context("spawn")
        self.pipes: list[Any] = []
        self.procs: list[Any] = []
        for w in range(plan.workers):
            mine = list(range(w, nstaff, plan.workers))
            spec = {"worker": w, "kind": target.kind, "resident_url": target.resident_url,
                    "staff_url": target.staff_url, "password": STAFF_PASSWORD,
                    "staff": [names[i] for i in mine], "per_staff": [per_staff[i] for i in mine]}
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker.main, args=(child, spec), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def call(self, command: str, per_worker: list[dict[str, Any]] | None = None,
             timeout_s: float = 900, **args: Any) -> list[Any]:
        for i, pipe in enumerate(self.pipes):
            pipe.send((command, per_worker[i] if per_worker else args))
        results = []
        for pipe, proc in zip(self.pipes, self.procs, strict=True):
            if not pipe.poll(timeout_s):
                raise RuntimeError(f"generator worker {proc.pid} did not answer {command}")
            status, value = pipe.recv()
            if status != "ok":
                raise RuntimeError(f"generator worker failed in {command}: {value}")
            results.append(value)
        return results

    def step(self, rate: float, duration: float) -> StepResult:
        cpu0 = sum(cpu_seconds(pid) for pid in self.target.pids)
        start_at = time.monotonic() + 0.3
        results = self.call("step", rate=rate / len(self.pipes), duration=duration,
                            start_at=start_at, overload_s=self.plan.overload_s,
                            stall_s=self.plan.stall_s, drain_cap_s=self.plan.drain_cap_s)
        merged = StepResult(rate, duration)
        for result in results:
            merged.merge(result)
        merged.server_cpu_s = sum(cpu_seconds(pid) for pid in self.target.pids) - cpu0
        return merged

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("stop", {}))
            except OSError:
                pass
        for proc in self.procs:
            proc.join(20)
            if proc.is_alive():
                proc.kill()


def log(text: str) -> None:
    print(text, flush=True)


def describe(step: StepResult) -> str:
    s = step.summary()
    return (f"offered {step.offered_rate:.0f}/s → delivered {s['delivered_rate']:.0f}/s, "
            f"e2e p50/p99 {s['e2e_p50_ms']}/{s['e2e_p99_ms']} ms, ack p99 {s['ack_p99_ms']} ms, "
            f"lost {step.lost} dup {step.duplicated} faults {step.faults}"
            f"{' OVERLOADED' if step.overloaded else ''}"
            f"{' generator-bound' if step.generator_bound else ''}")


def ramp(gen: Generator, plan: Plan, fixed: list[StepResult], steps: list[dict[str, Any]]
         ) -> dict[str, Any]:
    """Highest rate with p99 ≤ 50 ms and no fault, then confirmed for plan.confirm_s."""
    def run(rate: float, duration: float, phase: str) -> StepResult:
        result = gen.step(rate, duration)
        steps.append({"phase": phase, **result.summary()})
        log(f"  {phase}: {describe(result)}")
        return result

    passing = [s.offered_rate for s in fixed if s.passes()]
    failing = [s.offered_rate for s in fixed if not s.passes()]
    lo = max(passing) if passing else None
    hi = min((r for r in failing if lo is None or r > lo), default=None)
    if lo is None:
        rate = min(plan.rates) / 2
        while lo is None and rate >= 10:
            if run(rate, plan.ramp_step_s, "ramp").passes():
                lo = rate
            else:
                hi, rate = rate, rate / 2
        if lo is None:
            return {"sustained_rate": None, "note": "no rate ≥ 10/s held p99 ≤ 50 ms"}
    generator_bound = False
    while hi is None and lo * 1.5 <= plan.max_rate:
        result = run(lo * 1.5, plan.ramp_step_s, "ramp")
        if result.passes():
            lo = lo * 1.5
            if result.generator_bound:
                generator_bound = True
                break
        else:
            hi = lo * 1.5
    for _ in range(plan.bisect):
        if hi is None or hi / lo < 1.1:
            break
        mid = (lo + hi) / 2
        if run(mid, plan.ramp_step_s, "ramp").passes():
            lo = mid
        else:
            hi = mid
    for _ in range(4):
        confirm = run(lo, plan.confirm_s, "confirm")
        if confirm.passes():
            return {"sustained_rate": round(lo), "confirm": confirm.summary(),
                    "generator_bound": generator_bound or confirm.generator_bound}
        lo *= 0.85
    return {"sustained_rate": None, "note": "no ramp rate was confirmed"}


def run_scenario(target: Target, plan: Plan) -> dict[str, Any]:
    gen = Generator(target, plan)
    out: dict[str, Any] = {"scenario": target.name, "steps": []}
    try:
        setup = gen.call("setup")
        chats = sum(s["chats"] for s in setup)
        out["setup"] = setup
        if target.kind == "neuvo":
            out["chat_create_per_s"] = round(chats / max(s["create_s"] for s in setup), 1)
        log(f"  {chats} pairs ready: {setup}")
        out["idle_cpu_pct"] = idle_cpu(target, plan.idle_cpu_s)
        if plan.warmup_s:
            warm = gen.step(plan.warmup_rate, plan.warmup_s)
            out["steps"].append({"phase": "warm-up", **warm.summary()})
            log(f"  warm-up: {describe(warm)}")
        fixed = []
        for rate in plan.rates:
            result = gen.step(rate, plan.step_s)
            fixed.append(result)
            out["steps"].append({"phase": "fixed", **result.summary()})
            log(f"  fixed: {describe(result)}")
        if plan.ramp:
            out["ramp"] = ramp(gen, plan, fixed, out["steps"])
        if plan.idle:
            out["idle"] = idle_memory(gen, target, plan.idle)
            log(f"  idle: {out['idle']}")
    finally:
        gen.close()
    out["faults"] = sum(s["faults"] for s in out["steps"])
    return out


def idle_cpu(target: Target, seconds: float) -> float:
    """The servers' background CPU with every pair connected and nobody sending (sweeps,
    re-checks): it is part of each step's CPU per message, most visible at low rates."""
    before = sum(cpu_seconds(pid) for pid in target.pids)
    time.sleep(seconds)
    return round((sum(cpu_seconds(pid) for pid in target.pids) - before) / seconds * 100, 1)


def idle_memory(gen: Generator, target: Target, count: int) -> dict[str, Any]:
    """Server RSS with the chats created but no socket, then with `count` idle resident sockets."""
    shares = split(count, len(gen.pipes))
    created = gen.call("idle_create", [{"count": n} for n in shares])
    before = settled_rss(target.resident_pid)
    connected = gen.call("idle_connect", [{"count": n} for n in shares])
    after = settled_rss(target.resident_pid)
    gen.call("idle_close")
    out = {"connections": count, "rss_before_mb": round(before / 2**20, 1),
           "rss_after_mb": round(after / 2**20, 1),
           "kb_per_connection": round((after - before) / count / 1024, 1),
           "connect_s": round(max(c["connect_s"] for c in connected), 2),
           "rss_now_mb": round(rss_bytes(target.resident_pid) / 2**20, 1)}
    if target.kind == "neuvo":
        out["chat_create_per_s"] = round(count / max(c["create_s"] for c in created), 1)
    return out
