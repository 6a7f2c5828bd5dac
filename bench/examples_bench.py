#!/usr/bin/env python3
"""The tuner measured on real functions: for each example, an exhaustive sweep
(ground truth), Power Tuning's default plan (6 sizes x 10 invokes) and
`--memory auto`, each run through the example's own `run` script (real runtimes,
real cgroups). Reports invokes, wall time and how much more per call each pick
costs than the sweep's cheapest size, and, with --repeat N, how often N
identical runs agree.

With --sweeps N the ground truth is the mean cost per size over N sweeps, each
in its own execution environments, run one after another: a size's cost moves
between sweeps by more than its invokes' spread shows (an environment stays on
one CPU of a host whose CPUs slow down for minutes; a short invoke's quota
periods), and one sweep's cheapest size is partly its luck. Each sweep's own
best, priced by the mean of the others, then says how precise that truth is.

Usage (as root, after scripts/build):
    bench/examples_bench.py [--examples io-wait,memory-floor,...] [--repeat 10]
        [--sweep-step 64] [--sweep-max 3538] [--sweep-num 5] [--sweeps 1]
        [--truth DIR] [--out bench/results]

The sweep stops at --sweep-max (default 3,538 MB: two vCPUs) on a host with
fewer cores than Lambda gives the sizes above it: there every size gets the
same host-capped CPU, so the sweep would only measure more memory for the same
work. Figures go to stdout and, as JSON, to --out, with every run's own
result (<example>-<mode>-<run>.json, the sweeps' <example>-sweep*.json).
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
EXAMPLES = ["cpu-heavy", "io-wait", "memory-floor", "image-python", "image-cpp"]
POWER_TUNING_SIZES = "128,256,512,1024,1536,3008"


def median_or_nan(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def host_load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def tune(example, args):
    """Runs examples/<example>/run with tune options; returns (result JSON, wall s, load before)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    load = host_load()
    started = time.monotonic()
    proc = subprocess.run([os.path.join(REPO, "examples", example, "run"), *args, "--json", path],
                          capture_output=True, text=True)
    wall = time.monotonic() - started
    try:
        with open(path) as f:
            result = json.load(f)
    except (OSError, ValueError):
        sys.stderr.write(f"{example} {' '.join(args)}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}\n")
        result = None
    finally:
        if os.path.exists(path):
            os.unlink(path)
    return result, wall, load


def costs(result):
    """memory MB -> cost per call, for the sizes that worked."""
    return {s["memoryMb"]: s["costPerInvocation"]["total"] for s in result["sweetspot"]["sizes"] if s["feasible"]}


def typical_costs(result):
    """memory MB -> cost per call at the CPU time per invoke of the sweep's trend rather than
    each size's own environment's: the line of log CPU time on log memory through the
    feasible sizes the host did not disturb (those more than 25% off it left as measured),
    and the part of each duration that CPU time accounts for (CPU time at the size's share
    of a vCPU, at most the duration) scaled to it. The tuner's environment_speed.h does the
    same with a level, not a line: a sweep's 54 sizes pin a line that a search's few cannot."""
    sizes = [s for s in result["sweetspot"]["sizes"] if s["feasible"]]
    out = costs(result)
    # Below a fifth of a vCPU the CPU time per invoke is the quota's as much as the environment's
    # (environment_speed.h): those sizes stay as measured.
    points = [(math.log(s["memoryMb"]), math.log(s["cpuTimeMs"]["trimmedMean"]), s) for s in sizes
              if s.get("trusted", True) and s["cpuTimeMs"]["trimmedMean"] > 0 and s["typicalDurationMs"] > 0
              and s["memoryMb"] / 1769 >= 0.2]
    if len(points) < 4:
        return out
    level = statistics.median(y for _, y, _ in points)
    line = lambda x: level  # noqa: E731
    for _ in range(2):
        points = [p for p in points if abs(p[1] - line(p[0])) <= math.log(1.25)]
        if len(points) < 4:
            return out
        fit = statistics.linear_regression([x for x, _, _ in points], [y for _, y, _ in points])
        line = lambda x, f=fit: f.intercept + f.slope * x  # noqa: E731
    for x, _, s in points:
        share = min(s["memoryMb"] / 1769, 1)
        d, cpu = s["typicalDurationMs"], s["cpuTimeMs"]["trimmedMean"]
        work = min(d, cpu / share)
        factor = (d - work + work * math.exp(line(x)) / cpu) / d
        # The sweep's own price per call, its duration part scaled (request charge and /tmp as they were).
        price = s["costPerInvocation"]
        out[s["memoryMb"]] = price["total"] - price["compute"] + price["compute"] * factor
    return out


def mean_costs(sweeps):
    """memory MB -> mean cost per call over the sweeps, for the sizes that worked in every one."""
    common = set.intersection(*(set(c) for c in sweeps))
    return {m: statistics.fmean(c[m] for c in sweeps) for m in common}


def sweep_files(folder, example):
    """An earlier run's sweeps of an example: <example>-sweep.json, <example>-sweep-2.json, ..."""
    names = [f"{example}-sweep.json"]
    while os.path.exists(os.path.join(folder, f"{example}-sweep-{len(names) + 1}.json")):
        names.append(f"{example}-sweep-{len(names) + 1}.json")
    return [os.path.join(folder, n) for n in names]


def sweep_name(i):
    return "sweep" if i == 0 else f"sweep-{i + 1}"


def true_cost(truth, memory_mb):
    """The sweep's cost at a size, interpolated between its neighbours when off the grid."""
    sizes = sorted(truth)
    if memory_mb in truth:
        return truth[memory_mb]
    below = [m for m in sizes if m < memory_mb]
    above = [m for m in sizes if m > memory_mb]
    if not below:
        # Below the sweep's smallest working size (a floor between two grid
        # sizes, found working by the plan: picks always worked): the next grid
        # size's cost, an upper bound, as the same work in less memory costs no
        # more below one vCPU.
        return truth[above[0]]
    if not above:
        return truth[below[-1]]
    a, b = below[-1], above[0]
    return truth[a] + (truth[b] - truth[a]) * (memory_mb - a) / (b - a)


def pick(result):
    return result["sweetspot"]["recommendation"]["memoryMb"] if result else None


def function_time(result):
    """Seconds the function itself ran: the durations and inits of its successful invokes.
    Wall time less this is what the run script and the tuner add (server start, new
    processes, the reference bursts); failed invokes are left out."""
    if not result:
        return None
    # A cold sample's duration already holds its init (Duration + Init Duration).
    return sum(s["durationMs"]["mean"] * s["durationMs"]["count"]
               for s in result["sweetspot"]["sizes"] if s.get("durationMs")) / 1000


def agreement(runs, key):
    """The most runs whose picks cost within 2% of one run's pick (by the truth `key`): the
    same answer, or sizes within 2% of each other's cost. A pick without a cost agrees with none."""
    costs = [1 + r[key] for r in runs if r[key] is not None]
    return max((sum(abs(c / a - 1) <= 0.02 for c in costs) for a in costs), default=0)


def error_against(truth, memory_mb):
    """How much more a size costs per call than the truth's cheapest (None without a truth)."""
    if memory_mb is None or not truth:
        return None
    return true_cost(truth, memory_mb) / min(truth.values()) - 1


def summary(example, mode, result, wall, load, truths):
    """One run's row; `truths` maps "raw" and "typ" (at the sweeps' typical speed) to costs per size."""
    invocations = result["sweetspot"]["run"]["invocations"] if result else None
    chosen = pick(result)
    return {"example": example, "mode": mode, "pick": chosen, "invocations": invocations, "wall_s": wall,
            "function_s": function_time(result), "load": load,
            "error": error_against(truths.get("raw"), chosen), "error_typ": error_against(truths.get("typ"), chosen),
            "too_noisy": bool(result) and any("too busy" in w for w in result["sweetspot"]["recommendation"]["warnings"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", default=",".join(EXAMPLES))
    parser.add_argument("--repeat", type=int, default=1, help="identical runs of each plan (stability)")
    parser.add_argument("--sweep-step", type=int, default=64)
    parser.add_argument("--sweep-max", type=int, default=3538)
    parser.add_argument("--sweep-num", type=int, default=5)
    parser.add_argument("--sweeps", type=int, default=1,
                        help="sweeps whose mean cost per size is the ground truth (each sweep's best is judged by the others)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the ground truth (no errors then)")
    parser.add_argument("--truth", help="folder of an earlier run's <example>-sweep*.json to use as ground truth")
    parser.add_argument("--modes", default="powertuning,auto")
    parser.add_argument("--extra", default="", help="extra tune options, e.g. \"--image 1600x1200\"")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    extra = args.extra.split()
    rows = []
    for example in args.examples.split(","):
        sweeps = []  # (name, result, wall, load) of each sweep, measured now or read from --truth
        if args.truth:
            for i, path in enumerate(sweep_files(args.truth, example)):
                with open(path) as f:
                    sweeps.append((sweep_name(i), json.load(f), None, None))
        elif not args.no_sweep:
            grid = ",".join(str(m) for m in range(128, args.sweep_max + 1, args.sweep_step))
            for i in range(args.sweeps):
                sweep, wall, load = tune(example, [*extra, "--memory", grid, "--num", str(args.sweep_num)])
                if not sweep:
                    continue
                sweeps.append((sweep_name(len(sweeps)), sweep, wall, load))
                with open(os.path.join(args.out, f"{example}-{sweeps[-1][0]}.json"), "w") as f:
                    json.dump(sweep, f)
        truths = {}
        if sweeps:
            # Each truth: how it prices a sweep, and the suffix of its pick and error in a row.
            kinds = {"raw": (costs, ""), "typ": (typical_costs, "_typ")}
            truths = {kind: mean_costs([f(s[1]) for s in sweeps]) for kind, (f, _) in kinds.items()}
            for i, (name, sweep, wall, load) in enumerate(sweeps):
                # A sweep judged by the others (by itself when it is the only one):
                # how far its own cheapest size is from theirs.
                row = summary(example, "sweep", sweep, wall, load, {})
                for f, suffix in kinds.values():
                    own = f(sweep)
                    rest = mean_costs([f(o[1]) for j, o in enumerate(sweeps) if j != i] or [own])
                    row["pick" + suffix] = min(own, key=own.get)
                    row["error" + suffix] = error_against(rest, row["pick" + suffix])
                rows.append(row)
            if len(sweeps) > 1:
                mine = [r for r in rows if r["example"] == example]
                for kind, (_, key) in kinds.items():
                    print(f"{example}: truth {kind} = mean of {len(sweeps)} sweeps, cheapest "
                          f"{min(truths[kind], key=truths[kind].get)} MB; each sweep's cheapest priced by the others: "
                          + ", ".join(f"{r['pick' + key]} MB {r['error' + key] * 100:+.1f}%" for r in mine), flush=True)
        for mode in filter(None, args.modes.split(",")):
            plan = ["--memory", POWER_TUNING_SIZES, "--num", "10"] if mode == "powertuning" else ["--memory", "auto"]
            for i in range(args.repeat):
                result, wall, load = tune(example, [*extra, *plan])
                rows.append(summary(example, mode, result, wall, load, truths))
                print(json.dumps(rows[-1]), flush=True)
                if result:  # each run's whole result, for looking at a pick afterwards
                    with open(os.path.join(args.out, f"{example}-{mode}-{i + 1}.json"), "w") as f:
                        json.dump(result, f)
    with open(os.path.join(args.out, "examples_bench.json"), "w") as f:
        json.dump(rows, f, indent=1)

    print(f"\n{'example':14} {'plan':12} {'runs':>4} {'pick MB (each run)':34} {'invokes':>8} {'wall s':>8} {'fn s':>7} "
          f"{'err med':>8} {'err max':>8} {'agree':>6} {'typ med':>8} {'typ max':>8} {'agree':>6} {'load':>5}")
    for example in args.examples.split(","):
        for mode in ["sweep", *filter(None, args.modes.split(","))]:
            runs = [r for r in rows if r["example"] == example and r["mode"] == mode]
            if not runs:
                continue
            picks = [r["pick"] for r in runs]

            def errors_and_agreement(key):
                errors = [r[key] for r in runs if r[key] is not None]
                agree = ""
                if len(runs) > 1 and mode != "sweep":  # a sweep's row: how far its cheapest is from the others'
                    agree = f"{agreement(runs, key)}/{len(runs)}"
                return (f"{(statistics.median(errors) * 100 if errors else float('nan')):7.2f}% "
                        f"{(max(errors) * 100 if errors else float('nan')):7.2f}% {agree:>6}")
            print(f"{example:14} {mode:12} {len(runs):4} {','.join(str(p) for p in picks)[:34]:34} "
                  f"{statistics.median([r['invocations'] or 0 for r in runs]):8.0f} "
                  f"{median_or_nan([r['wall_s'] for r in runs]):8.1f} "
                  f"{statistics.median([r['function_s'] or 0 for r in runs]):7.1f} "
                  f"{errors_and_agreement('error')} {errors_and_agreement('error_typ')} "
                  f"{median_or_nan([r['load'] for r in runs]):5.1f}")


if __name__ == "__main__":
    main()
