#!/usr/bin/env python3
"""Fault soak: thousands of misbehaving invokes through the real sweetspot binary,
then SIGINT, SIGTERM and SIGKILL of sweetspot mid-run. See bench/README.md.

Every invoke sends {"op": "mix"} to testdata's ops_runtime, which picks one
behaviour per event at random (success, handler error, crash, exit, out of
memory, timeout, fork bomb, garbage and oversize Runtime API requests, a
non-UTF-8 response, a 6 MB response, a too-large one). The soak runs the
invokes in phases of 1 to 8 concurrent environments, one sweetspot process per
phase, and reports for each phase: records lost, outcomes, sweetspot's own
resident memory and threads near the start and at the end, and what was left
behind (processes, cgroups, mounts). Then it interrupts three runs mid-way with
SIGINT, SIGTERM and SIGKILL; after SIGKILL, the next run must reap what was left.

Needs root (cgroups), like sweetspot invoke without --no-limits. Exits 1 when
anything is left behind, a record is lost, or sweetspot fails in a way it should not.
"""
import argparse
import collections
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def proc_status(pid):
    """VmRSS in MB and thread count of a live process, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"])
    except (OSError, KeyError, ValueError):
        return None


def mount_lines():
    with open("/proc/self/mountinfo") as f:
        return set(f.read().splitlines())


def leftovers(owner_pid, bootstrap, mounts_before):
    """What a finished sweetspot (pid owner_pid) left: processes, cgroups, mounts."""
    procs = []
    for exe in glob.glob("/proc/[0-9]*/exe"):
        pid = exe.split("/")[2]
        try:
            if os.readlink(exe) == bootstrap:
                procs.append(int(pid))
                continue
            with open(f"/proc/{pid}/cgroup") as f:
                if f"/sweetspot/{owner_pid}-" in f.read():
                    procs.append(int(pid))
        except OSError:
            pass
    groups = [d for d in glob.glob(f"/sys/fs/cgroup/*/sweetspot/{owner_pid}-*") if os.path.isdir(d)]
    groups += [d for d in glob.glob(f"/sys/fs/cgroup/sweetspot/{owner_pid}-*") if os.path.isdir(d)]
    mounts = sorted(mount_lines() - mounts_before)
    return {"processes": sorted(set(procs)), "cgroups": sorted(groups), "mounts": mounts}


def count_left(left):
    return {k: len(v) for k, v in left.items()}


class Run:
    """One sweetspot invoke process: reads its JSON records, samples its RSS and threads."""

    def __init__(self, args, count, concurrency):
        cmd = [args.sweetspot, "invoke", args.function, "--memory", "128", "--timeout", "1",
               "--count", str(count), "--concurrency", str(concurrency), "--json",
               "--payload", json.dumps({"op": args.op, "seed": args.seed})]
        self.count = count
        self.records = 0
        self.partial = 0
        self.ids = set()
        self.outcomes = collections.Counter()
        self.samples = []  # (records so far, rss MB, threads)
        self.stderr_tail = collections.deque(maxlen=30)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 20)
        self.pid = self.proc.pid
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True),
                         threading.Thread(target=self._sample, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):
                self.partial += 1
                continue
            try:
                rec = json.loads(raw)
            except ValueError:
                self.partial += 1
                continue
            self.records += 1
            self.ids.add(rec.get("requestId"))
            err = rec.get("error")
            self.outcomes[err["errorType"] if err else "success"] += 1

    def _read_stderr(self):
        for raw in self.proc.stderr:
            self.stderr_tail.append(raw.decode("utf-8", "replace").rstrip())

    def _sample(self):
        while self.proc.poll() is None:
            s = proc_status(self.pid)
            if s:
                self.samples.append((self.records, s[0], s[1]))
            time.sleep(0.2)

    def wait(self, timeout=None):
        rc = self.proc.wait(timeout=timeout)
        for t in self._threads[:2]:
            t.join(timeout=30)
        return rc

    def sample_at(self, fraction):
        """The first sample taken once this share of the records is in (None if none was)."""
        return next((s for s in self.samples if s[0] >= max(1, int(self.count * fraction))), None)

    def rss_curve(self):
        """Samples once 2%, 25%, 50% and 75% of the records are in, and the last one: a
        leak grows with the records, a heap's high-water mark stops growing early."""
        curve = []
        for fraction in (0.02, 0.25, 0.5, 0.75):
            s = self.sample_at(fraction)
            if s and s not in curve:
                curve.append(s)
        if self.samples and self.samples[-1] not in curve:
            curve.append(self.samples[-1])
        return curve

    def start_and_end(self):
        """(rss, threads) once 2% of the records are in, and at the last sample."""
        if not self.samples:
            return None, None
        warm = self.sample_at(0.02) or self.samples[0]
        return warm, self.samples[-1]


def fmt_sample(s):
    return f"{s[1]:.1f} MB / {s[2]} threads (after {s[0]} records)" if s else "n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"), help="build directory (default build/)")
    ap.add_argument("--invokes", type=int, default=10000, help="invokes in all, over the phases (default 10000)")
    ap.add_argument("--concurrency", default="1,2,4,8", help="environments per phase (default 1,2,4,8)")
    ap.add_argument("--seed", type=int, default=1, help="passed to the runtime with each event")
    ap.add_argument("--op", default="mix",
                    help="the ops_runtime operation of every event (default mix; echo: only small successful "
                         "responses, to tell sweetspot's own memory growth from the heap's high-water mark)")
    ap.add_argument("--skip-signals", action="store_true", help="no SIGINT/SIGTERM/SIGKILL runs")
    ap.add_argument("--signals-only", action="store_true", help="only the SIGINT/SIGTERM/SIGKILL runs")
    ap.add_argument("--sweetspot", help="the sweetspot binary (default: BUILD/src/cli/sweetspot)")
    ap.add_argument("--runtime", help="the ops_runtime binary (default: BUILD/testdata/ops_runtime)")
    args = ap.parse_args()

    args.sweetspot = args.sweetspot or os.path.join(args.build, "src/cli/sweetspot")
    ops = args.runtime or os.path.join(args.build, "testdata/ops_runtime")
    for path in (args.sweetspot, ops):
        if not os.access(path, os.X_OK):
            sys.exit(f"fault_soak: {path} is missing: build it first (cmake --build {args.build} --target sweetspot ops_runtime)")
    args.function = os.path.join(args.build, "bench/fault-soak-function")
    os.makedirs(args.function, exist_ok=True)
    bootstrap = os.path.join(args.function, "bootstrap")
    shutil.copy2(ops, bootstrap)
    bootstrap = os.path.realpath(bootstrap)

    failures = []
    phases = [int(c) for c in args.concurrency.split(",")]
    per_phase = args.invokes // len(phases)
    total = collections.Counter()
    t0 = time.time()
    for concurrency in ([] if args.signals_only else phases):
        mounts_before = mount_lines()
        start = time.time()
        run = Run(args, per_phase, concurrency)
        rc = run.wait()
        elapsed = time.time() - start
        left = leftovers(run.pid, bootstrap, mounts_before)
        lost = per_phase - run.records
        warm, end = run.start_and_end()
        total.update(run.outcomes)
        print(f"phase concurrency {concurrency}: {run.records}/{per_phase} records in {elapsed:.0f} s "
              f"(exit {rc}), lost {lost}, partial lines {run.partial}, duplicate ids {run.records - len(run.ids)}")
        print(f"  sweetspot: start {fmt_sample(warm)}; end {fmt_sample(end)}")
        print("  resident memory: " + ", ".join(f"{s[1]:.1f} MB at {s[0]}" for s in run.rss_curve()))
        print(f"  left behind: {count_left(left)}")
        print(f"  outcomes: {dict(sorted(run.outcomes.items()))}")
        if lost or run.partial or run.records != len(run.ids) or any(left.values()) or rc not in (0, 1):
            failures.append(f"phase {concurrency}: lost {lost}, left {left}, exit {rc}")
            print("  stderr tail:\n    " + "\n    ".join(run.stderr_tail))
    print(f"all phases: {sum(total.values())} records in {time.time() - t0:.0f} s; outcomes {dict(sorted(total.items()))}")

    if not args.skip_signals:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            mounts_before = mount_lines()
            run = Run(args, 100_000, 4)  # the most `--count` takes; the signal comes long before
            deadline = time.time() + 120
            while run.records < 300 and run.proc.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            if run.proc.poll() is not None:
                # It ended before the signal: the signal was never tested.
                failures.append(f"{sig.name}: sweetspot exited ({run.proc.returncode}) before the signal: "
                                + " | ".join(run.stderr_tail))
                continue
            in_flight = leftovers(run.pid, bootstrap, mounts_before)
            run.proc.send_signal(sig)
            try:
                rc = run.wait(timeout=60)
            except subprocess.TimeoutExpired:
                run.proc.kill()
                rc = run.wait()
                failures.append(f"{sig.name}: sweetspot did not exit within 60 s")
            left = leftovers(run.pid, bootstrap, mounts_before)
            line = (f"{sig.name} after {run.records} records (running then: {count_left(in_flight)}): exit {rc}, "
                    f"partial lines {run.partial}, left behind {count_left(left)}")
            expected_rc = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}[sig]
            if rc != expected_rc:
                failures.append(f"{sig.name}: exit {rc}, expected {expected_rc}")
            if sig == signal.SIGKILL:
                # Nothing can clean up after SIGKILL: the next run reaps it.
                nxt = subprocess.run([args.sweetspot, "invoke", args.function, "--payload", '{"op":"echo"}'],
                                     capture_output=True)
                after = leftovers(run.pid, bootstrap, mounts_before)
                line += f"; after the next run (exit {nxt.returncode}): {count_left(after)}"
                left = after
            print(line)
            if any(left.values()) or run.partial:
                failures.append(f"{sig.name}: left {left}, partial {run.partial}")

    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("fault soak: nothing left behind, no record lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
