#!/usr/bin/env python3
"""Median milliseconds per phase and variant from the lines StepPhases and step_phases.py print
("MODEL VARIANT: batch X forward X ... total X ms/step"), as a markdown table; step-phases.sh calls it.

Run:  /usr/bin/python3 clr4j-bench/python/phase_table.py PHASES.txt
"""
import re
import statistics
import sys

PHASES = ("batch", "forward", "loss", "backward", "update", "free", "total")


def main(path):
    runs = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^\S+ (.+?): (.*) ms/step$", line.strip())
            if not m:
                continue
            values = dict(zip(m.group(2).split()[0::2], map(float, m.group(2).split()[1::2])))
            runs.setdefault(m.group(1), []).append(values)
    print("| variant | runs | " + " | ".join(PHASES) + " |")
    print("|---|--:|" + "--:|" * len(PHASES))
    for variant, rs in runs.items():
        cells = [f"{statistics.median(r[p] for r in rs):.3f}" for p in PHASES]
        print(f"| {variant} | {len(rs)} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
