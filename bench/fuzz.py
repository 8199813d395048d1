"""Seeded fuzz of everything nnlab parses from users: event files, projector files, Playground CSVs.

    PYTHONPATH=py:. python bench/fuzz.py [--events 10000] [--texts 3000] [--seed 0] [--jobs 2]

Each case runs in a worker subprocess under a memory limit (RLIMIT_AS) and a
time limit; a worker that passes the time limit is killed and counted as a
hang, one that runs out of memory as a blow-up. Event-file cases are damaged
copies of one realistic file (framing damage, damage inside a record with CRCs
recomputed, or a crafted hostile record: see bench/_fuzzcases.py), read through
the Board's worker calls; each also checks that every record before the damage
was kept. Prints one line of counts; the goal is 0 / 0 / 0, every record kept.
"""

import argparse
import json
import os
import select
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_KINDS = ("vectors", "metadata", "json", "pbtxt", "csv", "bytes")


def worker(memory_mb):
    """Answer `family seed` lines with one JSON line each, under an address-space limit."""
    import resource
    import warnings
    limit = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore")  # numpy's cast warnings on NaN payloads are expected here
    sys.path[:0] = [str(ROOT / "py"), str(ROOT / "bench")]
    import _fuzzcases as cases
    payloads = cases.base_payloads()
    for line in sys.stdin:
        family, seed = line.split()
        out = {"kept": True, "warnings": 0}
        try:
            if family == "event":
                out["kept"], out["warnings"] = cases.check_event_case(int(seed), payloads)
            elif family == "crafted":
                out["kept"], out["warnings"] = cases.check_crafted_case(int(seed), payloads)
            else:
                cases.check_text_case(family, int(seed))
        except MemoryError:
            out["memory"] = True
        except Exception as exc:  # the finding itself: reported, the worker carries on
            out["error"] = f"{type(exc).__name__}: {exc}"[:200]
            out["where"] = traceback.format_exc().strip().splitlines()[-3][:200]
        print(json.dumps(out), flush=True)


class Worker:
    """One worker subprocess; restarted after a hang or a crash."""

    def __init__(self, memory_mb):
        self.memory_mb = memory_mb
        self.start()

    def start(self):
        env = dict(os.environ, PYTHONPATH=f"{ROOT / 'py'}{os.pathsep}{ROOT}")
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", "--memory-mb", str(self.memory_mb)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.case = None

    def send(self, case):
        self.case, self.sent = case, time.monotonic()
        self.proc.stdin.write(f"{case[0]} {case[1]}\n")
        self.proc.stdin.flush()

    def restart(self):
        self.proc.kill()
        self.proc.wait()
        self.start()


def all_cases(n_events, n_texts, seed):
    events = [("crafted" if i % 3 == 0 else "event", seed + i) for i in range(n_events)]
    texts = [(TEXT_KINDS[i % len(TEXT_KINDS)], seed + i) for i in range(n_texts)]
    return events + texts


def run(cases, jobs=2, timeout_s=5.0, memory_mb=3072):
    """Run every case; returns a Counter of outcomes and the first findings by kind."""
    todo, counts, findings = list(reversed(cases)), Counter(), {}
    workers = [Worker(memory_mb) for _ in range(jobs)]
    try:
        for w in workers:
            if todo:
                w.send(todo.pop())
        while any(w.case for w in workers):
            busy = [w for w in workers if w.case]
            ready, _, _ = select.select([w.proc.stdout for w in busy], [], [], 0.2)
            for w in busy:
                line = w.proc.stdout.readline() if w.proc.stdout in ready else None
                if line is None and time.monotonic() - w.sent < timeout_s:
                    continue
                tally(w.case, json.loads(line) if line else {"hang": line is None, "crash": line == ""},
                      counts, findings)
                if not line:
                    w.restart()
                w.case = None
                if todo:
                    w.send(todo.pop())
    finally:
        for w in workers:
            w.proc.kill()
    return counts, findings


def tally(case, out, counts, findings):
    counts["cases"] += 1
    counts["event cases"] += case[0] in ("event", "crafted")
    for key in ("error", "hang", "memory", "crash"):
        if out.get(key):
            counts[key] += 1
            findings.setdefault(f"{key}: {out.get('error', '')[:90]}", (case, out.get("where", "")))
    if case[0] in ("event", "crafted") and not out.get("hang") and not out.get("crash") and not out.get("memory"):
        counts["kept"] += bool(out.get("kept")) and not out.get("error")
    counts["warnings"] += out.get("warnings", 0)


def summary_line(counts, seconds, seed):
    n_ev = counts["event cases"]
    return (f"fuzz (seed {seed}): {n_ev:,} event-file cases + {counts['cases'] - n_ev:,} projector/CSV cases: "
            f"uncaught {counts['error'] + counts['crash']}, hangs {counts['hang']}, memory blow-ups {counts['memory']}; "
            f"records before the damage kept in {counts['kept']:,}/{n_ev:,}; {counts['warnings']:,} warnings; "
            f"{seconds:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--texts", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=3072, help="address-space limit per worker")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.memory_mb)
    t0 = time.monotonic()
    counts, findings = run(all_cases(args.events, args.texts, args.seed), args.jobs, args.timeout, args.memory_mb)
    for what, (case, where) in sorted(findings.items()):
        print(f"  {what}  (first: {case[0]} seed {case[1]}; {where})")
    print(summary_line(counts, time.monotonic() - t0, args.seed))
    bad = counts["error"] + counts["crash"] + counts["hang"] + counts["memory"] + (counts["event cases"] - counts["kept"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
