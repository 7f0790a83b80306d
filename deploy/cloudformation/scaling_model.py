#!/usr/bin/env python3
"""The stack's scaling policies in the scaling simulation (scaling-sim/sim.py).

Usage:  python3 deploy/cloudformation/scaling_model.py PATH_TO_SCALING_SIM [--seed N] [--s-java S]
            [--cpu-target PERCENT] [--outputs N]

sim.py models one day of uploads (5 to 200/s, a 20x burst for 10 minutes at noon)
through ECS target tracking fed by CloudWatch's one-minute, delayed metrics. This runs the
policies deploy/cloudformation/image-worker.yaml declares, which sim.py does not model:

Sizing: target tracking on the service's average CPU utilisation (AWS/ECS CPUUtilization,
  one-minute datapoints usable sim.py's CW_DELAY late, 3 high or 15 low datapoints, sim.py's
  proportional rule and cooldowns). It needs no figure for the CPU one image takes.
  The "before" rows size on arrivals per task instead, at 75 % of 1 / S images per second,
  as the stack did until it read CPU.
Bursts: target tracking on backlog per task (visible + in flight, scale-in disabled), target
  T = 30 s / S messages, and the fast step policy on the backlog every worker publishes:
  * every worker samples the queue in the middle of each 10 s period and publishes it when it
    is at least T; the datum is usable FAST_DELAY s after the sample;
  * the alarm divides the backlog by the workers that published and by T: 3 of 3 datapoints
    >= 2 fire it;
  * each firing adds 100 % (2 to 4 targets per task), 300 % (4 to 8) or 700 % (8 and more)
    of the desired count, at most once per cooldown, never above the maximum.

S is what the stack assumes (--s-java, default sim.py's measured 0.163 s); the simulated
workers take S x FACTOR CPU-seconds per image, FACTOR 0.5, 1 and 2: a set of variants, a
machine or an engine that makes an image twice as cheap or twice as dear as assumed.
The policies' own figures stay those of the assumed S, as a deployed stack's would.

Requests are priced for --outputs outputs per image (2, the default variant set; the example
responsive set of docs/deployment.md is 11): one PUT per output and version.
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
CPU_TARGET = 75.0         # %, the stack's CpuUtilizationTarget default
FACTORS = (0.5, 1.0, 2.0)


def stack_policies(sim):
    class Stack(sim.ECS):
        """sim.py's ECS whose tasks take s_true per image, scaled by the stack's policies
        with the targets of s_assumed: backlog per task (visible + in flight) with its
        scale-in disabled, then CPU utilisation (or, before, arrivals per task) target
        tracking, and optionally the fast step policy."""

        def __init__(self, s_true, s_assumed, a, sizing, fast=True, cooldown=60, max_tasks=700, min_tasks=1,
                     cpu_target=CPU_TARGET, start_l=sim.START_L):
            super().__init__(s_true, 30, start_l, min_tasks, a, inflight=True, max_tasks=max_tasks)
            self.s_assumed = s_assumed
            self.sizing = sizing
            self.target = 30 / s_assumed * self.v
            self.targets = [self.target, cpu_target if sizing == "cpu" else 0.75 * 60 / s_assumed * self.v]
            self.dps = [[], []]
            self.busy_min = 0.0
            self.fast, self.fast_cooldown = fast, cooldown
            self.samples: list[tuple[int, float | None]] = []
            self.last_fast = -10**9
            self.fast_steps = 0
            self.window = (sim.BURST_START, sim.BURST_START + a.burst_s + sim.BURST_TAIL_S)
            self.busy_out = self.alive_out = 0.0

        def observe(self, t, q, served, arrived):
            self.busy_s += served * self.s
            if not self.window[0] <= t < self.window[1]:
                self.busy_out += served * self.s
                self.alive_out += len(self.launch) * self.v
            self.busy_min += served * self.s
            self.sent_min += arrived
            if t % sim.CW_PERIOD == sim.CW_PERIOD - 1:       # end of minute: one datapoint each
                busy = served * self.s
                prefetched = min(q.total, int(self.prod * max(sim.PREFETCH - self.v, 0)))
                vis = q.total - prefetched
                run_ = self.prod
                self.dp_vis.append(vis)
                self.dps[0].append((vis + busy + prefetched) / run_ if run_ > 0 else None)
                if self.sizing == "cpu":
                    # ECS's service CPUUtilization: CPU used over CPU reserved by the running tasks.
                    self.dps[1].append(100.0 * self.busy_min / (run_ * self.v * sim.CW_PERIOD) if run_ > 0 else None)
                else:
                    self.dps[1].append(self.sent_min / run_ if run_ > 0 else None)
                self.sent_min = 0
                self.busy_min = 0.0
            if t % sim.CW_PERIOD == 0 and t > 0:
                self._evaluate(t)
                self._apply(t)
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


def goals(title, rows, req):
    """The goals' columns: utilisation and lag outside the burst window (the burst's start to an
    hour after its end), then the burst, then cost."""
    out = [f"### {title}", "",
           "| scenario | peak tasks | task-hours | utilisation outside the burst / day | oldest p99 outside the "
           "burst (s) | % of messages > 60 s outside the burst | oldest in the burst | minutes until none "
           "> 60 s | compute $/M (Spot) | total $/M |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        out.append(f"| {name} | {r['units_peak']} | {r['unit_h']:.0f} | {100 * r['util_out']:.0f} % / "
                   f"{100 * r['util']:.0f} % | {r['p99_out']} | {r['late_out_pct']:.1f} | "
                   f"{fmt_age(r['burst_max'])} | {'>' if r['recover_open'] else ''}{r['recover']:.0f} | "
                   f"{r['compute']:.2f} ({r['spot']:.2f}) | {r['compute'] + req:.2f} |")
    return "\n".join(out)


def fmt_age(seconds):
    return f"{seconds} s" if seconds < 600 else f"{seconds / 60:.0f} min"


def requests_per_m(sim, outputs: int) -> float:
    """sim.py's per-million request cost with one PUT per output (DELETEs are free)."""
    return sim.requests_per_m(sim.DDB_WRITES_WORKER) + sim.S3_PUT_M * (outputs - sim.PUTS_PER_IMAGE)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sim_dir", help="directory holding scaling-sim's sim.py")
    p.add_argument("--seed", type=int, help="arrival seed (default: sim.py's)")
    p.add_argument("--s-java", type=float, help="CPU-s per image the stack assumes (default: sim.py's measured figure)")
    p.add_argument("--cpu-target", type=float, default=CPU_TARGET, help="CPU utilisation target, %%")
    p.add_argument("--outputs", type=int, default=2, help="outputs per image, one PUT each")
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
    req = requests_per_m(sim, a.outputs)

    def run(name, strategy):
        result = sim.run(strategy, arrivals, args.burst_s)
        result["util_out"] = strategy.busy_out / max(strategy.alive_out, 1e-9)
        return (f"{name} [{strategy.fast_steps} steps]", result)

    print(f"seed {args.seed}, assumed S = {s} s per image, T = {30 / s:.0f} messages per task, "
          f"CPU target {a.cpu_target:g} %, {a.outputs} outputs per image\n")

    rows = []
    for factor in FACTORS:
        for sizing, label in (("arrivals", "before: arrivals per task"), ("cpu", "CPU utilisation")):
            rows.append(run(f"S x {factor:g}, {label}", Stack(s * factor, s, args, sizing, cpu_target=a.cpu_target)))
    rows.append(run("S x 2, CPU utilisation, max 1400", Stack(s * 2, s, args, "cpu", max_tasks=1400,
                                                              cpu_target=a.cpu_target)))
    print(goals("Sizing when the real S is half, equal to or twice the assumed S (max 700 unless said, fast "
                "step, cooldown 60 s)", rows, req))
    print()

    rows = []
    for target in (60.0, 70.0, 75.0, 80.0):
        for factor in FACTORS:
            rows.append(run(f"CPU target {target:g} %, S x {factor:g}", Stack(s * factor, s, args, "cpu",
                                                                           cpu_target=target)))
    print(goals("CPU utilisation targets", rows, req))
    print()

    rows = []
    for max_tasks in (200, 700):
        for fast, cooldown in ((False, 60), (True, 60), (True, 120)):
            name = f"max {max_tasks}, " + (f"+ 10 s step, cooldown {cooldown} s" if fast else "target tracking only")
            rows.append(run(name, Stack(s, s, args, "cpu", fast, cooldown, max_tasks, cpu_target=a.cpu_target)))
    rows.append(run("max 700, + 10 s step, cooldown 60 s, min 0",
                    Stack(s, s, args, "cpu", min_tasks=0, cpu_target=a.cpu_target)))
    rows.append(run("max 700, + 10 s step, cooldown 60 s, start 30 s",
                    Stack(s, s, args, "cpu", start_l=30, cpu_target=a.cpu_target)))
    print(sim.table("The stack's policies at the assumed S", rows, req))


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
