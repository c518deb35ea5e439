#!/usr/bin/env python3
"""Where a PyTorch training step's time goes, phase by phase, and how many native operators each phase runs: the
PyTorch side of clr4j-bench/scripts/step-phases.sh (org.clr4j.bench.StepPhases is the Java side).

Run:  /usr/bin/python3 clr4j-bench/python/step_phases.py mlp 500 [--threads N] [--channels-last] [--foreach]
          [--traces DIR]

The step is train_pytorch.py's: the same model, initialization, SGD (momentum 0.9, weight decay 5e-4) on 1cycle,
batch 128 indexed from in-memory tensors. Phases: batch (x[idx], y[idx]), forward, loss, backward (zero_grad with
set_to_none, backward, loss.item()), update (optimizer.step, scheduler.step), free (dropping the step's tensors).
40 warm-up steps, then STEPS timed ones; prints one line in StepPhases' format. With --traces, one more step runs
under the profiler, a Chrome trace per phase (PHASE.json); count_ops.py counts them.
"""
import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_pytorch as tp  # noqa: E402 (sets the BLAS threads before torch loads)
import torch  # noqa: E402
from torch import nn  # noqa: E402

PHASES = ("batch", "forward", "loss", "backward", "update", "free")
WARM_UP = 40


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", choices=("mlp", "cnn"))
    p.add_argument("steps", type=int)
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--foreach", action="store_true", help="torch.optim.SGD(foreach=True): one call per operator "
                   "for all parameters")
    p.add_argument("--data-dir", default=tp.DEFAULT_DATA_DIR)
    p.add_argument("--traces", metavar="DIR")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    x, y, _, _ = tp.load_fashion_mnist(a.data_dir)
    torch.manual_seed(42)
    model = tp.build_model(a.model)
    tp.init_like_djl(model)
    fmt = torch.channels_last if a.channels_last and a.model == "cnn" else torch.contiguous_format
    model = model.to(memory_format=fmt)
    kwargs = {"foreach": True} if a.foreach else {}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4, **kwargs)
    scheduler = tp.make_scheduler("onecycle(max=0.1, total=100000)", optimizer)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(42))
    batches = len(y) // 128
    nanos = [0] * len(PHASES)

    def step(i, times, profile_dir=None):
        marks = []

        def phase(k, fn):
            if profile_dir:
                with torch.autograd.profiler.profile() as prof:
                    result = fn()
                prof.export_chrome_trace(os.path.join(profile_dir, PHASES[k] + ".json"))
                return result
            t0 = time.perf_counter_ns()
            result = fn()
            times[k] += time.perf_counter_ns() - t0
            return result

        start = (i % batches) * 128
        idx = order[start:start + 128]
        xb, yb = phase(0, lambda: (x[idx].contiguous(memory_format=fmt), y[idx]))
        out = phase(1, lambda: model(xb))
        loss = phase(2, lambda: loss_fn(out, yb))

        def backward():
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            return loss.item()
        phase(3, backward)

        def update():
            optimizer.step()
            scheduler.step()
        phase(4, update)
        marks.append((xb, yb, out, loss))
        phase(5, lambda: marks.clear())

    for i in range(WARM_UP + a.steps):
        if i == WARM_UP:
            nanos = [0] * len(PHASES)
        step(i, nanos)
    total = sum(nanos)
    variant = "pytorch" + (f" {a.threads} thread(s)") + (" channels-last" if fmt is torch.channels_last else "") \
        + (" foreach" if a.foreach else "")
    print(f"{a.model} {variant}: " + " ".join(f"{n} {t / 1e6 / a.steps:.3f}" for n, t in zip(PHASES, nanos))
          + f" total {total / 1e6 / a.steps:.3f} ms/step")
    if a.traces:
        os.makedirs(a.traces, exist_ok=True)
        step(0, [0] * len(PHASES), a.traces)
    return 0


if __name__ == "__main__":
    sys.exit(main())
