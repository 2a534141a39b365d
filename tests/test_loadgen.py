"""The load bench's own checks (bench/loadgen.py): it must never pass silently. A relay that
loses or repeats messages makes the run fail; a correct one passes with every message
delivered once. Real processes and sockets: the bare websockets baseline and the generator's
worker process, a few seconds of open-loop load."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load.runner import Plan, run_scenario, staff_count
from bench.load.servers import Script, Target, scenario
from bench.load.stats import StepResult, percentile

PLAN = Plan(pairs=6, staff=2, rates=(30,), step_s=1.0, warmup_s=0, ramp=False, idle=10, idle_cpu_s=0.2,
            overload_s=5, stall_s=2, drain_cap_s=10)


def relay(tmp_path: Path, *faults: str) -> Iterator[Target]:
    script = Script("ws_relay.py", tmp_path / "relay.log", *faults)
    try:
        script.wait_listening()
        yield Target("ws-relay", "relay", script.base_url, script.base_url, [script.proc.pid],
                     script.proc.pid)
    finally:
        script.stop()


@pytest.fixture
def honest(tmp_path: Path) -> Iterator[Target]:
    yield from relay(tmp_path)


def test_a_correct_relay_passes_with_every_message_once(honest: Target) -> None:
    result = run_scenario(honest, PLAN)
    step = result["steps"][0]
    assert result["faults"] == 0
    assert step["sent"] == 30 and step["delivered"] == 30 and step["acked"] == 30
    assert step["lost"] == step["duplicated"] == step["misrouted"] == 0
    assert step["e2e_p99_ms"] is not None and step["cpu_ms_per_message"] is not None
    assert result["idle"]["connections"] == 10 and result["idle"]["rss_after_mb"] > 0
    assert result["idle_cpu_pct"] >= 0


def test_lost_messages_fail_the_run(tmp_path: Path) -> None:
    for target in relay(tmp_path, "--drop-every", "5"):
        result = run_scenario(target, PLAN)
        step = result["steps"][0]
        assert step["lost"] == 6 and step["delivered"] == 24
        assert result["faults"] >= 6 and not step["passes_p99_50ms"]


def test_duplicated_messages_fail_the_run(tmp_path: Path) -> None:
    for target in relay(tmp_path, "--duplicate-every", "3"):
        result = run_scenario(target, PLAN)
        step = result["steps"][0]
        assert step["duplicated"] == 10 and step["lost"] == 0
        assert result["faults"] == 10


def test_latency_counts_from_the_scheduled_time_and_order_is_checked() -> None:
    assert percentile([0.001 * i for i in range(1, 101)], 99) == pytest.approx(0.099)
    assert percentile([], 50) is None
    step = StepResult(100, 1, sent=100, delivered=100, acked=100, e2e=[0.01] * 100,
                      send_elapsed_s=1, out_of_order=1)
    assert step.faults == 1 and not step.passes()        # Neuvo promises order
    step.strict_order = False
    assert step.faults == 0 and step.passes()             # baselines: reported only
    assert not StepResult(100, 1, sent=50, e2e=[0.01] * 50).passes()   # sent too few


@pytest.mark.parametrize("name", ["neuvo-sqlite", "neuvo-2proc"])
def test_neuvo_smoke_loses_nothing(name: str, tmp_path: Path) -> None:
    """CI's short run of the load bench against Neuvo itself (the full run is `make bench`):
    real server processes, every message stored, acked and delivered once, in order."""
    plan = Plan(pairs=6, staff=2, rates=(30,), step_s=1.0, warmup_s=0, ramp=False, idle=10,
                idle_cpu_s=0.2, overload_s=5, stall_s=5, drain_cap_s=20)
    with scenario(name, tmp_path, staff_count(plan)) as target:
        result = run_scenario(target, plan)
    step = result["steps"][0]
    assert result["faults"] == 0, result
    assert step["sent"] == step["acked"] == step["delivered"] == 30
    assert step["lost"] == step["duplicated"] == step["out_of_order"] == 0
    assert result["chat_create_per_s"] > 0 and result["idle"]["connections"] == 10
