#!/usr/bin/env python3
"""The stack's scaling policies in the scaling simulation (scaling-sim/sim.py).

Usage:  python3 deploy/cloudformation/scaling_model.py PATH_TO_SCALING_SIM [--seed N] [--s-java S]

sim.py models one day of uploads (5 to 200/s, a 20x burst for 10 minutes at noon)
through ECS target tracking fed by CloudWatch's one-minute, delayed metrics. This adds what
the template ships on top of its "+ arrivals/task TT @75 %" rows and what sim.py does not
model: the 10-second step policy on the backlog every worker publishes.

Fast step policy, as deploy/cloudformation/image-worker.yaml declares it
  * Every worker samples the queue (visible + in flight) in the middle of each 10 s period
    and publishes it when it is at least one target (T messages); the datum is usable
    FAST_DELAY s after the sample.
  * The alarm divides the backlog by the workers that published (productive tasks) and by T:
    3 of 3 datapoints >= 2 fire it.
  * Each firing adds 100 % (2 to 4 targets per task), 300 % (4 to 8) or 700 % (8 and more)
    of the desired count, at most once per cooldown, never above the maximum.
Everything else (target tracking on backlog per task with scale-in disabled and on arrivals
per task at 75 % of the measured throughput, scale from zero, task start, prices) is sim.py's.
"""
from __future__ import annotations

import argparse
import math
import sys

FAST_PERIOD = 10          # s, the alarm's period and the workers' sampling interval
FAST_DELAY = 10           # s from a sample to the alarm seeing it
FAST_DATAPOINTS = 3       # consecutive datapoints at or above the threshold
FAST_THRESHOLD = 2.0      # targets per task
FAST_STEPS = ((2.0, 1.0), (4.0, 3.0), (8.0, 7.0))   # (targets per task from, added share)


def stack_policies(sim):
    class Stack(sim.ECS):
        """sim.py's ECS with backlog (visible + in flight) and arrivals target tracking,
        and optionally the fast step policy."""

        def __init__(self, s, a, fast, cooldown, max_tasks, min_tasks=1, start_l=sim.START_L):
            super().__init__(s, 30, start_l, min_tasks, a, inflight=True, rate_util=0.75, max_tasks=max_tasks)
            self.fast, self.fast_cooldown = fast, cooldown
            self.target = self.targets[0]
            self.samples: list[tuple[int, float | None]] = []
            self.last_fast = -10**9
            self.fast_steps = 0

        def observe(self, t, q, served, arrived):
            super().observe(t, q, served, arrived)
            if not self.fast:
                return
            if t % FAST_PERIOD == FAST_PERIOD // 2:
                published = self.prod > 0 and q.total >= self.target
                self.samples.append((t + FAST_DELAY, q.total / self.prod / self.target if published else None))
            if t % FAST_PERIOD == 0 and self.desired > 0 and t - self.last_fast >= self.fast_cooldown:
                seen = [r for (at, r) in self.samples if at <= t][-FAST_DATAPOINTS:]
                if len(seen) == FAST_DATAPOINTS and all(r is not None and r >= FAST_THRESHOLD for r in seen):
                    share = max(added for (start, added) in FAST_STEPS if seen[-1] >= start)
                    wanted = min(self.max, self.desired + max(1, math.floor(self.desired * share)))
                    if wanted > self.desired:
                        self.desired, self.last_fast = wanted, t
                        self.last_in = -10**9
                        self.fast_steps += 1
                        self._apply(t)

    return Stack


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sim_dir", help="directory holding scaling-sim's sim.py")
    p.add_argument("--seed", type=int, help="arrival seed (default: sim.py's)")
    p.add_argument("--s-java", type=float, help="CPU-s per image (default: sim.py's measured figure)")
    a = p.parse_args()
    sys.path.insert(0, a.sim_dir)
    import sim  # noqa: E402  (its location is the argument)

    args = sim.argparse.Namespace(**vars(sim_defaults(sim)))
    if a.seed is not None:
        args.seed = a.seed
    if a.s_java is not None:
        args.s_java = a.s_java
    arrivals, _ = sim.make_arrivals(args)
    Stack = stack_policies(sim)
    s = args.s_java
    rows = []
    for max_tasks in (200, 700):
        for fast, cooldown in ((False, 60), (True, 60), (True, 120)):
            name = (f"max {max_tasks}, " + (f"+ 10 s step, cooldown {cooldown} s" if fast else "target tracking only"))
            rows.append((name, Stack(s, args, fast, cooldown, max_tasks)))
    rows.append(("max 700, + 10 s step, cooldown 60 s, min 0", Stack(s, args, True, 60, 700, min_tasks=0)))
    rows.append(("max 700, + 10 s step, cooldown 60 s, start 30 s", Stack(s, args, True, 60, 700, start_l=30)))
    results = []
    for name, strategy in rows:
        result = sim.run(strategy, arrivals, args.burst_s)
        results.append((f"{name} [{strategy.fast_steps} steps]", result))
    print(f"seed {args.seed}, S = {s} s per image, T = {30 / s:.0f} messages per task, "
          f"arrivals target {0.75 * 60 / s:.0f} per task-minute\n")
    print(sim.table("The stack's policies", results, sim.requests_per_m(sim.DDB_WRITES_WORKER)))


def sim_defaults(sim):
    """sim.py's own defaults, as its command line would give them."""
    return argparse.Namespace(seed=sim.SEED, s_java=sim.S_JAVA, s_python=sim.S_PYTHON, trough=sim.TROUGH,
                              peak=sim.PEAK, burst_mult=sim.BURST_MULT, burst_s=sim.BURST_S, cw_delay=sim.CW_DELAY,
                              max_tasks=sim.ECS_MAX, node_latency=sim.NODE_LATENCY, pod_start=sim.POD_START,
                              pods_per_node=sim.PODS_PER_NODE, lambda_ramp=sim.LAMBDA_RAMP_PER_MIN,
                              lambda_max=sim.LAMBDA_MAX, lambda_overhead=sim.LAMBDA_OVERHEAD,
                              lambda_cold_start=sim.LAMBDA_COLD_START)


if __name__ == "__main__":
    main()
