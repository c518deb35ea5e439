#!/usr/bin/env python3
"""Cost of one PyTorch LR scheduler step() (CyclicLR, OneCycleLR), to compare with clr4j's ScheduleBenchmark.

Run:  /usr/bin/python3 clr4j-bench/python/pytorch_scheduler_step_cost.py
Prints one line per scheduler: the median and the best of several timeit repeats, in microseconds per step().
Only the scheduler is timed: step() sets the learning rate (and momentum) in the optimizer's param groups, which is
what clr4j's Schedule.valueAt/momentumAt compute. Results are reported in docs/BENCHMARKS.md.
"""
import platform
import statistics
import timeit
import warnings

import torch

CALLS = 20_000   # step() calls per timing
REPEATS = 7      # timings; the median is reported, the best beside it


def sgd():
    param = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.SGD([param], lr=0.001, momentum=0.9)


def cyclic(cycle_momentum):
    return torch.optim.lr_scheduler.CyclicLR(sgd(), base_lr=0.001, max_lr=0.006, step_size_up=2000,
                                             mode="triangular", cycle_momentum=cycle_momentum)


def one_cycle(anneal):
    # A long cycle, so that OneCycleLR never runs past its end (it raises there).
    return torch.optim.lr_scheduler.OneCycleLR(sgd(), max_lr=0.1, total_steps=10_000_000,
                                               anneal_strategy=anneal)


CASES = [
    ("CyclicLR triangular, cycle_momentum=False", lambda: cyclic(False)),
    ("CyclicLR triangular, cycle_momentum=True", lambda: cyclic(True)),
    ("OneCycleLR cos (momentum cycled)", lambda: one_cycle("cos")),
    ("OneCycleLR linear (momentum cycled)", lambda: one_cycle("linear")),
]


def main():
    # step() without optimizer.step() warns once about the call order; the order does not matter here.
    warnings.filterwarnings("ignore", category=UserWarning)
    torch.set_num_threads(1)
    print(f"python {platform.python_version()}, torch {torch.__version__}, {platform.processor() or platform.machine()}")
    for name, make in CASES:
        scheduler = make()
        for _ in range(1000):  # warm-up
            scheduler.step()
        times = timeit.repeat(scheduler.step, number=CALLS, repeat=REPEATS)
        per_call_us = [t / CALLS * 1e6 for t in times]
        print(f"{name:45s} median {statistics.median(per_call_us):6.2f} us/step   "
              f"best {min(per_call_us):6.2f} us/step")


if __name__ == "__main__":
    main()
