"""PyTorch's cost of one small operator (neg and log_softmax of a 128x10 tensor, us per call), beside
org.clr4j.bench.BatchCost's DJL figures (docs/BENCHMARKS.md, "Machine E: the same measurements again").

usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 clr4j-bench/python/op_cost.py [THREADS]
"""
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
x = torch.ones(128, 10)
for r in range(1, 4):
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        torch.neg(x)
    t1 = time.perf_counter()
    for _ in range(n):
        torch.log_softmax(x, 1)
    t2 = time.perf_counter()
    print("round %d  neg %.2f us, log_softmax %.2f us per call" % (r, (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6))
