#!/usr/bin/python3
"""Golden trajectories of Schedule-Free SGD and AdamW (Defazio et al., "The Road Less Scheduled", arXiv 2405.15682),
computed in float64 from the paper's equations, for ScheduleFreeGoldenTest.

How to regenerate (numpy only; the output is deterministic):

    cd /work/main   # the repository root
    /usr/bin/python3 clr4j-djl/src/test/python/generate_schedule_free_golden.py

It writes clr4j-djl/src/test/resources/golden/schedule-free.tsv: tab-separated lines, numbers written with repr() so
that they round-trip exactly, arrays as space-separated numbers, row-major:

    tolerance <TOL>                       the test's bound: |ours - golden| <= TOL * (1 + |golden|), element-wise
    data <name> <shape...> <values>       the problem: A (32x5), B (32x3), W0 (5x3), b0 (3); float32-representable
    case <name> <key=value>...            kind (sf-sgd / sf-adamw), schedule (clr4j spec), momentum or beta1, beta2,
                                          eps, wd, steps, f32dev (see below)
    lr <name> <lr_0 ... lr_{steps-1}>     the schedule's rate at each step, as this script computes it (the test
                                          checks that clr4j's schedule gives the same)
    state <name> <t> <y> <x>              after t steps: y (the weights) and x (the average), each W then b

The problem: linear least squares, loss(W, b) = 1/(2m) * ||A_t W + b - B_t||^2 over the minibatch A_t, B_t of m = 8
rows, rows 8k..8k+7 with k = t mod 4 at step t (0-based). The gradient is taken at y, the weights the model trains
with:  r = A_t y_W + y_b - B_t,  g_W = A_t^T r / m,  g_b = column sums of r / m.

The equations (t counts updates from 1; lr_t is the schedule's value at step t - 1):
  Schedule-Free SGD:    z = z - lr_t * (g + wd * y)
  Schedule-Free AdamW:  v = b2 * v + (1 - b2) * g^2;  gamma_t = lr_t * sqrt(1 - b2^t)
                        z = z - gamma_t * wd * y - gamma_t * g / (sqrt(v) + eps)
  both:                 c = gamma_t^2 / sum_{i<=t} gamma_i^2  (gamma = lr for SGD; c = 0 while the sum is 0)
                        x = (1 - c) * x + c * z;   y = beta * x + (1 - beta) * z, as x + (1 - beta) * (z - x)
  with z = x = y = the initial weights before the first step.

The tolerance: every case is also run in float32 (numpy), with the operations in the order the DJL optimizer does
them; its largest deviation from float64, max |f32 - f64| / (1 + |f64|) over the recorded states, is written as
`f32dev` and must stay below TOL / 10 (the script fails otherwise). DJL's float32 run differs from numpy's float32
run only in rounding (PyTorch sums the matrix products in another order), of the same size, so TOL leaves a
tenfold margin over the rounding error actually accumulated by float32 over the run, and is still far below the
effect of any error in the equations (a wrong weighting, interpolation or decay moves the states by > 1e-3).
"""

import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "schedule-free.tsv")
TOL = 1e-5
ROWS, FEATURES, OUTPUTS, BATCH = 32, 5, 3, 8
RECORD = [1, 2, 3, 5, 10, 25, 50, 100, 150, 200, 250, 300]

CASES = [
    dict(name="sgd", kind="sf-sgd", schedule=("warmup", 50, ("constant", 0.2)), beta=0.9, wd=1e-3, steps=300),
    dict(name="sgd-cosine", kind="sf-sgd", schedule=("warmup", 20, ("cosine", 0.3, 280)), beta=0.5, wd=0.0,
         steps=300),
    dict(name="adamw", kind="sf-adamw", schedule=("warmup", 40, ("constant", 0.02)), beta=0.9, beta2=0.999,
         eps=1e-8, wd=0.05, steps=300),
    dict(name="adamw-b2", kind="sf-adamw", schedule=("warmup", 10, ("constant", 0.05)), beta=0.95, beta2=0.99,
         eps=1e-3, wd=0.0, steps=300),
]


def f32(a):
    """float32-representable values, held as float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def problem():
    rng = np.random.default_rng(20240523)  # fixed seed: the file is reproducible
    a = f32(rng.normal(size=(ROWS, FEATURES)))
    w_true = rng.normal(size=(FEATURES, OUTPUTS))
    b_true = rng.normal(size=OUTPUTS)
    b = f32(a @ w_true + b_true + 0.3 * rng.normal(size=(ROWS, OUTPUTS)))
    w0 = f32(0.5 * rng.normal(size=(FEATURES, OUTPUTS)))
    b0 = f32(0.5 * rng.normal(size=OUTPUTS))
    return a, b, w0, b0


# ---------------------------------------------------------------- clr4j's schedules (docs/SPEC.md)

def lr_at(s, step):
    kind = s[0]
    if kind == "constant":
        return s[1]
    if kind == "cosine":  # cosine(lr, total, min=0): min + (lr - min)(1 + cos(pi step / total)) / 2, min past total
        lr, total = s[1], s[2]
        return 0.0 if step >= total else lr * (1 + math.cos(math.pi * step / total)) / 2
    if kind == "warmup":  # warmup(steps, then, start=0): linear from 0 to then's first value, then `then`
        steps, then = s[1], s[2]
        if step >= steps:
            return lr_at(then, step - steps)
        return lr_at(then, 0) * step / steps
    raise ValueError(kind)


def spec(s):
    kind = s[0]
    if kind == "constant":
        return "constant(lr=%r)" % s[1]
    if kind == "cosine":
        return "cosine(lr=%r, total=%d)" % (s[1], s[2])
    if kind == "warmup":
        return "warmup(steps=%d, then=%s)" % (s[1], spec(s[2]))
    raise ValueError(kind)


# ---------------------------------------------------------------- the equations

def run(case, data, dtype):
    """The case's states at RECORD steps, computed in `dtype`; scalars are computed in float64 as the optimizer
    does and rounded to `dtype` where they meet the arrays."""
    a, b, w0, b0 = (x.astype(dtype) for x in data)
    t_ = lambda v: dtype(v)  # a scalar as the arrays' type
    adam = case["kind"] == "sf-adamw"
    beta, wd = case["beta"], case["wd"]
    y = [w0.copy(), b0.copy()]
    z = [p.copy() for p in y]
    x = [p.copy() for p in y]
    v = [np.zeros_like(p) for p in y]
    weight_sum = 0.0
    states = {}
    for step in range(case["steps"]):
        t = step + 1
        lr = float(np.float32(lr_at(case["schedule"], step)))  # the optimizer takes the schedule's rate as a float
        rows = slice(BATCH * (step % 4), BATCH * (step % 4) + BATCH)
        r = a[rows] @ y[0] + y[1] - b[rows]
        g = [a[rows].T @ r / t_(BATCH), r.sum(axis=0) / t_(BATCH)]
        if adam:
            gamma = lr * math.sqrt(1 - case["beta2"] ** t)
            for i in range(2):
                if wd != 0:
                    z[i] = z[i] - y[i] * t_(gamma * wd)
                v[i] = v[i] * t_(case["beta2"]) + (g[i] * g[i]) * t_(1 - case["beta2"])
                z[i] = z[i] - (g[i] / (np.sqrt(v[i]) + t_(case["eps"]))) * t_(gamma)
        else:
            gamma = lr
            for i in range(2):
                d = (y[i] * t_(wd) + g[i]) if wd != 0 else g[i]
                z[i] = z[i] - d * t_(lr)
        weight_sum += gamma * gamma
        c = min(1.0, gamma * gamma / weight_sum) if weight_sum > 0 else 0.0
        for i in range(2):
            x[i] = x[i] * t_(1 - c) + z[i] * t_(c)
            y[i] = x[i] + (z[i] - x[i]) * t_(1 - beta)
        if t in RECORD:
            states[t] = (np.concatenate([p.ravel() for p in y]).astype(np.float64),
                         np.concatenate([p.ravel() for p in x]).astype(np.float64))
    return states


def num(v):
    return repr(float(v))


def nums(a):
    return " ".join(num(v) for v in np.asarray(a).ravel())


def main():
    data = problem()
    a, b, w0, b0 = data
    lines = ["tolerance\t" + num(TOL)]
    for name, arr in (("A", a), ("B", b), ("W0", w0), ("b0", b0)):
        lines.append("data\t%s\t%s\t%s" % (name, "\t".join(str(n) for n in arr.shape), nums(arr)))
    for case in CASES:
        ref = run(case, data, np.float64)
        single = run(case, data, np.float32)
        dev = 0.0
        moved = 0.0
        for t, (y, x) in ref.items():
            ys, xs = single[t]
            dev = max(dev, np.max(np.abs(ys - y) / (1 + np.abs(y))), np.max(np.abs(xs - x) / (1 + np.abs(x))))
            moved = max(moved, np.max(np.abs(x - ref[1][1])))
        gap = max(np.max(np.abs(y - x)) for y, x in ref.values())
        print("%-10s float32 deviation %.2e (bound %.0e); x moved %.3f; max |y - x| %.3f"
              % (case["name"], dev, TOL, moved, gap))
        if not dev < TOL / 10:
            raise SystemExit("float32 deviation %g of case %s leaves no tenfold margin under %g"
                             % (dev, case["name"], TOL))
        keys = ["kind=" + case["kind"], "schedule=" + spec(case["schedule"]), "beta=" + num(case["beta"]),
                "wd=" + num(case["wd"]), "steps=%d" % case["steps"], "f32dev=%.3e" % dev]
        if case["kind"] == "sf-adamw":
            keys += ["beta2=" + num(case["beta2"]), "eps=" + num(case["eps"])]
        lines.append("case\t%s\t%s" % (case["name"], "\t".join(keys)))
        lines.append("lr\t%s\t%s" % (case["name"], " ".join(num(lr_at(case["schedule"], s))
                                                           for s in range(case["steps"]))))
        for t in sorted(ref):
            y, x = ref[t]
            lines.append("state\t%s\t%d\t%s\t%s" % (case["name"], t, nums(y), nums(x)))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
