"""Open-loop load generator for Neuvo's message path, with the baselines in the same run.

    .venv/bin/python bench/loadgen.py            # full run (make bench-load)
    .venv/bin/python bench/loadgen.py --smoke    # every scenario for a few seconds (make bench-smoke)

Residents send ~120-byte messages on a fixed clock (open loop) to their paired staff member;
the generator (its own processes, never the server's) checks every message is acked and
delivered once to the right staff member in order, and exits 1 if any is lost, duplicated,
misrouted or refused. See bench/README.md for how to read the output."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import report
from bench.load.limits import raise_open_files
from bench.load.runner import Plan, log, run_scenario, staff_count
from bench.load.servers import SCENARIOS, scenario

SMOKE = Plan(pairs=20, staff=2, rates=(25, 50), step_s=1.5, warmup_s=0, ramp=False, idle=50,
             idle_cpu_s=0.5, overload_s=5.0, stall_s=5.0, drain_cap_s=20.0)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds per scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help="comma-separated: " + ", ".join(SCENARIOS))
    parser.add_argument("--pairs", type=int, help="resident/staff pairs (default 500)")
    parser.add_argument("--staff", type=int, help="staff accounts (default 10, ≤ 50 pairs each)")
    parser.add_argument("--rates", help="fixed offered rates, msg/s (default 200,500,1000,2000)")
    parser.add_argument("--step-s", type=float, help="seconds per fixed step (default 10)")
    parser.add_argument("--no-ramp", action="store_true", help="skip the ramp")
    parser.add_argument("--ramp-step-s", type=float, help="seconds per ramp step (default 5)")
    parser.add_argument("--max-rate", type=float, help="the ramp stops here (default 100000)")
    parser.add_argument("--confirm-s", type=float, help="seconds the ramp's result must hold")
    parser.add_argument("--idle", type=int, help="idle resident sockets for memory (default 5000)")
    parser.add_argument("--workers", type=int, help="generator processes (default 1)")
    parser.add_argument("--bot", default="minimal", choices=["minimal", "embedded"])
    parser.add_argument("--out", type=Path, default=Path("bench/results"),
                        help="directory for load-*.json and load-*.md")
    return parser.parse_args()


def make_plan(args: argparse.Namespace) -> Plan:
    plan = SMOKE if args.smoke else Plan()
    changes = {"pairs": args.pairs, "staff": args.staff, "ramp_step_s": args.ramp_step_s,
               "max_rate": args.max_rate, "step_s": args.step_s, "confirm_s": args.confirm_s,
               "idle": args.idle, "workers": args.workers,
               "rates": tuple(float(r) for r in args.rates.split(",")) if args.rates else None}
    plan = Plan(**{**asdict(plan), **{k: v for k, v in changes.items() if v is not None}})
    if args.no_ramp:
        plan.ramp = False
    if (not 1 <= plan.pairs <= 10_000 or not 1 <= plan.workers <= 16 or plan.idle < 0
            or plan.staff < 1 or plan.workers > staff_count(plan)):
        raise SystemExit("--pairs must be 1–10000, --staff ≥ 1, --workers 1–16 and at most the "
                         "staff accounts (each worker owns whole staff members), --idle ≥ 0")
    return plan


def main() -> int:
    args = parse_args()
    # Killed from outside (timeout, Ctrl-C in make): unwind so every server process is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = make_plan(args)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}")
    fd_limit = raise_open_files()
    if fd_limit < plan.idle + plan.pairs * 2 + 200:
        raise SystemExit(f"open-file limit {fd_limit} is too low for {plan.idle} idle sockets")
    run = {"meta": report.machine(), "plan": asdict(plan), "scenarios": {}}
    started = time.monotonic()
    for name in names:
        log(f"# {name}: {SCENARIOS[name]}")
        with tempfile.TemporaryDirectory() as tmp:
            try:
                with scenario(name, Path(tmp), staff_count(plan), args.bot) as target:
                    run["scenarios"][name] = run_scenario(target, plan)
            except Exception as exc:  # a scenario that cannot run fails the run, loudly
                log(f"  FAILED: {type(exc).__name__}: {exc}")
                run["scenarios"][name] = {"error": f"{type(exc).__name__}: {exc}", "steps": []}
    run["elapsed_s"] = round(time.monotonic() - started, 1)
    failed = [n for n, r in run["scenarios"].items() if "error" in r or r.get("faults")]
    run["ok"] = not failed
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "load-smoke" if args.smoke else "load-" + time.strftime("%Y%m%d-%H%M", time.gmtime())
    (args.out / f"{stem}.json").write_text(json.dumps(run, indent=1, ensure_ascii=False))
    table = report.markdown(run)
    (args.out / f"{stem}.md").write_text(table)
    print("\n" + table)
    print(f"JSON: {args.out / (stem + '.json')}; {run['elapsed_s']} s")
    if failed:
        print(f"\nFAILED: lost, duplicated, misrouted or refused messages, or a scenario that "
              f"did not run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
