#!/usr/bin/env python3
"""Counts the native operators of one training step, phase by phase, from the per-phase Chrome traces that
StepPhases (clr4j, through DJL's JniUtils.startProfile) and step_phases.py (PyTorch, torch.autograd.profiler) write.

Run:  /usr/bin/python3 clr4j-bench/python/count_ops.py DIR [DIR ...]     (--names: also list each phase's operators)

What is counted: top-level operator calls, i.e. events not nested in another event of the same thread. Those are
the calls the host language (Java through JNI, Python through its bindings) makes into libtorch, and the autograd
nodes the backward pass runs; an operator's own sub-calls (aten::linear calling aten::addmm) are not counted
again. Python-level record_function blocks are not operators and are looked through. Both traces come from libtorch's own profiler, so both sides are counted by one rule.
"""
import collections
import json
import os
import sys

PHASES = ("batch", "forward", "loss", "backward", "update", "free")


def top_level(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    # record_function blocks (PyTorch's "Optimizer.step#SGD.step", "Optimizer.zero_grad#...") only group the
    # operators inside them: they are not calls into libtorch themselves, so they are left out and their
    # operators count as top-level.
    events = [e for e in events if e.get("ph") == "X" and "::" in e.get("name", "")]
    events.sort(key=lambda e: (str(e.get("tid")), float(e["ts"]), -float(e["dur"])))
    tops, ends = [], {}
    for e in events:
        tid = str(e.get("tid"))
        ts, dur = float(e["ts"]), float(e["dur"])
        if tid in ends and ts < ends[tid]:
            continue
        tops.append(e["name"])
        ends[tid] = ts + dur
    return tops


def main(argv):
    names = "--names" in argv
    dirs = [a for a in argv if a != "--names"]
    if not dirs:
        print(__doc__, file=sys.stderr)
        return 2
    print("| phase | " + " | ".join(dirs) + " |")
    print("|---|" + "--:|" * len(dirs))
    counts = {d: {} for d in dirs}
    for d in dirs:
        for phase in PHASES:
            path = os.path.join(d, phase + ".json")
            counts[d][phase] = top_level(path) if os.path.exists(path) else []
    for phase in PHASES:
        print(f"| {phase} | " + " | ".join(str(len(counts[d][phase])) for d in dirs) + " |")
    print("| **step** | " + " | ".join(f"**{sum(len(v) for v in counts[d].values())}**" for d in dirs) + " |")
    if names:
        for d in dirs:
            print(f"\n{d}")
            for phase in PHASES:
                c = collections.Counter(counts[d][phase])
                print(f"  {phase}: " + ", ".join(f"{n} x{k}" if k > 1 else n for n, k in sorted(c.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
