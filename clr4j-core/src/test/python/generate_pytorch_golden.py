#!/usr/bin/python3
"""Golden values for clr4j's schedules, computed by real PyTorch schedulers.

How to regenerate (Debian's python3-torch 1.13; the output is deterministic for a given torch build):

    cd /work/main   # the repository root
    /usr/bin/python3 clr4j-core/src/test/python/generate_pytorch_golden.py

It writes clr4j-core/src/test/resources/golden/pytorch-schedules.tsv, read by PyTorchParityTest:
a header line, then `spec<TAB>step<TAB>lr<TAB>momentum` rows. `spec` is clr4j's text spec of the same configuration,
`step` is clr4j's 0-based step, numbers are written with repr() so they round-trip exactly, and momentum is empty
where the schedule sets none.

How the values are taken:
- The first steps of every configuration come from really stepping the scheduler: lr and momentum are read from
  optimizer.param_groups[0] BEFORE each scheduler.step(), so the n-th reading is clr4j's step n.
- Larger steps (up to 10^7) are sampled through the schedulers' closed forms (last_epoch = k, get_lr(), momentum from
  param_groups); the script asserts that this path equals the stepping path wherever both were computed.
- CosineAnnealingLR: its closed form `_get_closed_form_lr`, steps 0..T_max (clr4j uses the closed form and holds
  eta_min past T_max, where PyTorch's cosine rises again).
- CosineAnnealingWarmRestarts: stepping, then for large k PyTorch's get_lr() on the state stepping would reach
  (exact integer T_cur, T_i). Its step(epoch=k) path is not used: it picks the period with a floating-point log and
  misses some restarts (the script prints how many sampled steps it gets wrong).
- The clr4j-only `decay=` key of cyclic specs: PyTorch's CyclicLR value * decay**step; momentum is not decayed.
- OneCycleLR: steps 0..total-1 only.
Values in (0, 1e-290) are left out: relative comparisons of subnormals are meaningless.
"""

import math
import os
import random
import sys
import warnings

import torch
from torch.optim.lr_scheduler import (CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR,
                                      OneCycleLR, StepLR)

warnings.filterwarnings("ignore")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "pytorch-schedules.tsv")
MAX_STEP = 10 ** 7
SAMPLES = 50
rng = random.Random(20170403)  # fixed seed: the file is reproducible


def num(x):
    return repr(float(x))


def optimizer():
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)


# ---------------------------------------------------------------- configurations -> spec and scheduler

def spec(c):
    k = c["kind"]
    if k in ("triangular", "triangular2", "exp_range"):
        s = "%s(base=%s, max=%s, up=%d" % (k, num(c["base"]), num(c["max"]), c["up"])
        if c["down"] != c["up"]:
            s += ", down=%d" % c["down"]
        if k == "exp_range":
            s += ", gamma=%s" % num(c["gamma"])
        if c["momentum"]:
            s += ", momentum=%s:%s" % (num(c["momentum"][0]), num(c["momentum"][1]))
        if c["decay"] != 1.0:
            s += ", decay=%s" % num(c["decay"])
        return s + ")"
    if k == "onecycle":
        m = "%s:%s" % (num(c["momentum"][0]), num(c["momentum"][1])) if c["momentum"] else "none"
        return "onecycle(max=%s, total=%d, pct=%s, div=%s, final_div=%s, anneal=%s, phases=%d, momentum=%s)" % (
            num(c["max"]), c["total"], num(c["pct"]), num(c["div"]), num(c["final_div"]), c["anneal"],
            3 if c["three"] else 2, m)
    if k == "step":
        return "step(lr=%s, every=%d, gamma=%s)" % (num(c["lr"]), c["every"], num(c["gamma"]))
    if k == "exponential":
        return "exponential(lr=%s, gamma=%s)" % (num(c["lr"]), num(c["gamma"]))
    if k == "cosine":
        return "cosine(lr=%s, total=%d, min=%s)" % (num(c["lr"]), c["total"], num(c["min"]))
    if k == "cosine_restarts":
        return "cosine_restarts(lr=%s, first=%d, mult=%d, min=%s)" % (num(c["lr"]), c["first"], c["mult"],
                                                                     num(c["min"]))
    raise ValueError(k)


def make(c):
    opt = optimizer()
    k = c["kind"]
    if k in ("triangular", "triangular2", "exp_range"):
        m = c["momentum"]
        sch = CyclicLR(opt, base_lr=c["base"], max_lr=c["max"], step_size_up=c["up"], step_size_down=c["down"],
                       mode=k, gamma=c.get("gamma", 1.0), cycle_momentum=bool(m),
                       base_momentum=m[0] if m else 0.8, max_momentum=m[1] if m else 0.9)
    elif k == "onecycle":
        m = c["momentum"]
        sch = OneCycleLR(opt, max_lr=c["max"], total_steps=c["total"], pct_start=c["pct"], div_factor=c["div"],
                         final_div_factor=c["final_div"], anneal_strategy=c["anneal"], three_phase=c["three"],
                         cycle_momentum=bool(m), base_momentum=m[0] if m else 0.85,
                         max_momentum=m[1] if m else 0.95)
    else:
        opt.param_groups[0]["lr"] = c["lr"]
        if k == "step":
            sch = StepLR(opt, step_size=c["every"], gamma=c["gamma"])
        elif k == "exponential":
            sch = ExponentialLR(opt, gamma=c["gamma"])
        elif k == "cosine":
            sch = CosineAnnealingLR(opt, T_max=c["total"], eta_min=c["min"])
        elif k == "cosine_restarts":
            sch = CosineAnnealingWarmRestarts(opt, T_0=c["first"], T_mult=c["mult"], eta_min=c["min"])
        else:
            raise ValueError(k)
    return opt, sch


def has_momentum(c):
    return bool(c.get("momentum"))


def decayed(c, step, lr):
    d = c.get("decay", 1.0)
    return lr if d == 1.0 else lr * d ** step


def read(c, opt):
    g = opt.param_groups[0]
    return g["lr"], (g["momentum"] if has_momentum(c) else None)


def closed_form(c, sch, opt, step):
    """lr and momentum at `step` without stepping through the steps before it."""
    k = c["kind"]
    if k in ("triangular", "triangular2", "exp_range", "onecycle"):
        sch.last_epoch = step
        sch._get_lr_called_within_step = True
        lr = sch.get_lr()[0]
        sch._get_lr_called_within_step = False
        return lr, (opt.param_groups[0]["momentum"] if has_momentum(c) else None)
    if k in ("step", "exponential", "cosine"):
        sch.last_epoch = step
        return sch._get_closed_form_lr()[0], None
    if k == "cosine_restarts":
        # The state stepping would reach (T_cur, T_i as exact integers), then PyTorch's own get_lr(). PyTorch's
        # explicit-epoch path step(epoch=k) finds the period with a floating-point log and lands in the wrong
        # period at some restarts (e.g. T_0=10, T_mult=3, k=1210); EPOCH_PATH_MISSES counts where it does.
        t_cur, t_i = restarts_state(c, step)
        sch.T_cur, sch.T_i, sch.last_epoch = t_cur, t_i, step
        sch._get_lr_called_within_step = True
        lr = sch.get_lr()[0]
        sch._get_lr_called_within_step = False
        opt_e, sch_e = make(c)
        sch_e.step(step)
        if rel(opt_e.param_groups[0]["lr"], lr) > 1e-12:
            EPOCH_PATH_MISSES.append((spec(c), step, opt_e.param_groups[0]["lr"], lr))
        return lr, None
    raise ValueError(k)


EPOCH_PATH_MISSES = []


def restarts_state(c, step):
    period, t = c["first"], step
    if c["mult"] == 1:
        return step % period, period
    while t >= period:
        t -= period
        period *= c["mult"]
    return t, period


def exact_restarts(c, step):
    """SGDR by exact integer arithmetic, an independent check of the values taken from PyTorch."""
    t, period = restarts_state(c, step)
    return c["min"] + (c["lr"] - c["min"]) * (1 + math.cos(math.pi * t / period)) / 2


def rel(a, b):
    return 0.0 if a == b else abs(a - b) / max(abs(b), 1e-300)


# ---------------------------------------------------------------- which steps

def stepped_count(c):
    k = c["kind"]
    if k in ("triangular", "triangular2", "exp_range"):
        return c.get("stepped", min(max(2 * (c["up"] + c["down"]) + 3, 200), 300))
    if k == "onecycle":
        return min(c["total"], c.get("stepped", 250))
    if k == "cosine":
        return min(c["total"] + 1, 350)
    if k == "cosine_restarts":
        return c.get("stepped", 200)
    return c.get("stepped", 200)


def max_step(c):
    k = c["kind"]
    if k == "onecycle":
        return c["total"] - 1
    if k == "cosine":
        return c["total"]
    if k == "triangular2":  # PyTorch's 2.**(cycle-1) overflows past ~1024 cycles
        return min(MAX_STEP, 1000 * (c["up"] + c["down"]) - 1)
    return MAX_STEP


def sampled_steps(c, first_unstepped):
    hi = max_step(c)
    if hi < first_unstepped:
        return []
    ks = set()
    k = c["kind"]
    # Boundaries, where off-by-one and rounding mistakes show.
    if k in ("triangular", "triangular2", "exp_range"):
        total = c["up"] + c["down"]
        for _ in range(8):
            cyc = rng.randint(first_unstepped // total, hi // total)
            for b in (cyc * total, cyc * total + c["up"]):
                ks.update((b - 1, b, b + 1))
    elif k == "onecycle":
        ends = [c["pct"] * c["total"] - 1, c["total"] - 1]
        if c["three"]:
            ends.insert(1, 2 * c["pct"] * c["total"] - 2)
        for e in ends:
            ks.update((math.floor(e) - 1, math.floor(e), math.ceil(e), math.ceil(e) + 1))
        ks.add(hi)
    elif k == "step":
        for _ in range(6):
            b = rng.randint(1, hi // c["every"]) * c["every"]
            ks.update((b - 1, b))
    elif k == "cosine_restarts":
        start, period = 0, c["first"]
        while start <= hi:
            ks.update((start - 1, start, start + period // 2))
            start += period
            period *= c["mult"]
            if c["mult"] == 1 and start > 20 * c["first"]:
                start += c["first"] * rng.randint(1, max(1, hi // c["first"]))
    elif k == "cosine":
        ks.update((hi - 1, hi))
    want = min(SAMPLES, hi - first_unstepped + 1)
    while len([x for x in ks if first_unstepped <= x <= hi]) < want:
        if hi - first_unstepped < 4 * SAMPLES:
            ks.add(rng.randint(first_unstepped, hi))
        else:  # log-uniform over the rest of the range
            ks.add(int(round(math.exp(rng.uniform(math.log(max(first_unstepped, 1)), math.log(hi))))))
    ks.add(hi)
    return sorted(x for x in ks if first_unstepped <= x <= hi)


# ---------------------------------------------------------------- the configurations

def cyc(kind, base, mx, up, down=None, gamma=1.0, momentum=None, decay=1.0, **extra):
    c = dict(kind=kind, base=base, max=mx, up=up, down=up if down is None else down, gamma=gamma,
             momentum=momentum, decay=decay)
    c.update(extra)
    return c


def one(mx, total, pct=0.3, div=25.0, final_div=1e4, anneal="cos", three=False, momentum=(0.85, 0.95), **extra):
    c = dict(kind="onecycle", max=mx, total=total, pct=pct, div=div, final_div=final_div, anneal=anneal,
             three=three, momentum=momentum)
    c.update(extra)
    return c


HAND = [
    # Smith (2017) settings and PyTorch's defaults.
    cyc("triangular", 0.001, 0.006, 2000, stepped=4003),
    cyc("triangular", 0.001, 0.006, 2000, momentum=(0.8, 0.9)),
    cyc("triangular2", 0.001, 0.006, 2000, momentum=(0.85, 0.95), stepped=8003),
    cyc("exp_range", 0.001, 0.006, 2000, gamma=0.99994),
    cyc("exp_range", 0.001, 0.006, 2000, gamma=0.99994, momentum=(0.85, 0.95)),
    cyc("triangular", 0.1, 0.5, 4),
    cyc("triangular", 0.1, 0.5, 1),
    cyc("triangular", 0.1, 0.5, 1, 3, momentum=(0.5, 0.9)),
    cyc("triangular", 0.1, 0.5, 4, 6, momentum=(0.1, 0.5)),
    cyc("triangular2", 0.1, 0.5, 2, 6, momentum=(0.1, 0.5)),
    cyc("exp_range", 0.1, 0.5, 2, 6, gamma=0.9, momentum=(0.1, 0.5)),
    cyc("triangular2", 0.0001, 0.1, 7, 13),
    cyc("exp_range", 0.0001, 0.1, 250, 750, gamma=0.999),
    cyc("exp_range", 0.001, 0.01, 10, gamma=1.0),
    cyc("exp_range", 0.001, 0.01, 10, gamma=0.5),
    cyc("triangular", 0.005, 0.005, 10, momentum=(0.9, 0.9)),  # degenerate: base == max
    cyc("triangular", 1e-5, 1.0, 3000, 1000, momentum=(0.0, 0.99)),
    cyc("triangular", 0.01, 0.1, 500000, 1500000),  # huge cycles, sampled to 10^7
    # Decay of both bounds (clr4j only).
    cyc("triangular", 0.001, 0.006, 2000, decay=0.99999),
    cyc("triangular", 0.001, 0.006, 20, decay=0.999, momentum=(0.85, 0.95)),
    cyc("triangular2", 0.01, 0.1, 5, 15, decay=0.9999),
    cyc("exp_range", 0.01, 0.1, 5, gamma=0.99, decay=0.999, momentum=(0.8, 0.95)),
    cyc("triangular", 0.01, 0.1, 1000, decay=1 - 1e-7),
    # 1cycle.
    one(0.1, 1000),
    one(0.1, 1000, anneal="linear"),
    one(0.1, 1000, three=True),
    one(0.1, 1000, anneal="linear", three=True),
    one(0.1, 1000, momentum=None),
    one(1.0, 10, final_div=2.0, momentum=(0.1, 0.9)),
    one(1.0, 10, pct=0.4, final_div=4.0, anneal="linear", three=True),
    one(0.5, 7, pct=0.5, div=10.0, final_div=100.0),
    one(0.5, 3, pct=0.5, three=True),  # end steps 0.5, 1.0, 2
    one(0.5, 2, pct=0.75),  # the shortest cycle clr4j accepts
    one(0.01, 123457, pct=0.25, div=20.0, final_div=1e3, momentum=(0.8, 0.97)),
    one(0.3, 10 ** 7, pct=0.3, anneal="cos", three=True),
    one(0.3, 10 ** 7, pct=0.45, anneal="linear", momentum=None),
    one(3.0, 4999, pct=0.1, div=3.0, final_div=1.5, anneal="linear", three=True),
    # Baselines.
    dict(kind="step", lr=0.05, every=3, gamma=0.1, stepped=40),
    dict(kind="step", lr=0.1, every=30, gamma=0.5),
    dict(kind="step", lr=0.1, every=100000, gamma=0.9),
    dict(kind="step", lr=1.0, every=1, gamma=0.999),
    dict(kind="exponential", lr=0.05, gamma=0.9),
    dict(kind="exponential", lr=0.1, gamma=0.99999),
    dict(kind="exponential", lr=0.1, gamma=0.9999999),
    dict(kind="cosine", lr=0.05, total=10, min=1e-10),
    dict(kind="cosine", lr=0.1, total=100, min=0.0),
    dict(kind="cosine", lr=0.1, total=599, min=0.001),
    dict(kind="cosine", lr=0.2, total=10 ** 7, min=1e-5),
    dict(kind="cosine_restarts", lr=0.05, first=10, mult=1, min=1e-10),
    dict(kind="cosine_restarts", lr=0.05, first=10, mult=2, min=1e-10),
    dict(kind="cosine_restarts", lr=0.05, first=10, mult=3, min=0.0),
    dict(kind="cosine_restarts", lr=0.1, first=7, mult=4, min=0.001),
    dict(kind="cosine_restarts", lr=0.1, first=1000, mult=1, min=0.0),
    dict(kind="cosine_restarts", lr=0.1, first=1, mult=2, min=0.01),
]


def loguniform(lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def random_momentum(p_on):
    if rng.random() >= p_on:
        return None
    low = rng.choice([rng.uniform(0.0, 0.95), round(rng.uniform(0.5, 0.95), 2)])
    high = rng.uniform(low, 0.999)
    return (low, high)


def random_cyclic():
    kind = rng.choice(["triangular", "triangular2", "exp_range"])
    base = loguniform(1e-6, 1.0)
    mx = base * loguniform(1.0, 1000.0)
    up = rng.choice([rng.randint(1, 10), rng.randint(1, 200), rng.randint(100, 5000), rng.randint(1, 100000)])
    down = up if rng.random() < 0.4 else rng.choice([rng.randint(1, 10), rng.randint(1, 200), rng.randint(1, 5000)])
    if kind == "triangular2":
        # keep the sampled range below ~1000 cycles at 10^7 steps when possible; max_step() caps the rest
        up = max(up, rng.randint(1, 6000))
    gamma = 1.0 - loguniform(1e-7, 0.2) if kind == "exp_range" else 1.0
    decay = 1.0 - loguniform(1e-8, 1e-2) if rng.random() < 0.3 else 1.0
    return cyc(kind, base, mx, up, down, gamma=gamma, momentum=random_momentum(0.6), decay=decay)


def random_onecycle():
    while True:
        total = rng.choice([rng.randint(2, 50), rng.randint(50, 2000), int(loguniform(2000, MAX_STEP))])
        three = rng.random() < 0.4
        pct = rng.uniform(0.02, 0.98)
        if not pct * total - 1 > 0:
            continue
        if three and not total - 1 > 2 * pct * total - 2:
            continue
        c = one(loguniform(1e-4, 10.0), total, pct=pct, div=loguniform(1.0, 1000.0),
                final_div=loguniform(1.0, 1e5), anneal=rng.choice(["cos", "linear"]), three=three,
                momentum=random_momentum(0.7))
        # PyTorch's constructor rejects pct outside [0, 1]; clr4j's builder applies the rules above.
        return c


def random_baseline():
    kind = rng.choice(["step", "exponential", "cosine", "cosine_restarts"])
    lr = loguniform(1e-5, 1.0)
    if kind == "step":
        return dict(kind=kind, lr=lr, every=rng.choice([1, rng.randint(1, 50), rng.randint(50, 100000)]),
                    gamma=rng.uniform(0.05, 1.0))
    if kind == "exponential":
        return dict(kind=kind, lr=lr, gamma=1.0 - loguniform(1e-7, 0.3))
    if kind == "cosine":
        return dict(kind=kind, lr=lr, total=rng.choice([rng.randint(1, 600), int(loguniform(600, MAX_STEP))]),
                    min=rng.choice([0.0, lr * rng.uniform(0.0, 0.5)]))
    return dict(kind=kind, lr=lr, first=rng.choice([rng.randint(1, 20), rng.randint(20, 5000)]),
                mult=rng.choice([1, 1, 2, 3, 4, 10]), min=rng.choice([0.0, lr * rng.uniform(0.0, 0.5)]))


RANDOM = ([random_cyclic() for _ in range(40)] + [random_onecycle() for _ in range(25)]
          + [random_baseline() for _ in range(16)])


# ---------------------------------------------------------------- generation

def rows_for(c):
    k = c["kind"]
    n = stepped_count(c)
    rows = []
    # 1. Real stepping (cosine: the closed form, see the module comment).
    stepped = []
    if k == "cosine":
        _, sch = make(c)
        for step in range(n):
            sch.last_epoch = step
            stepped.append((step, sch._get_closed_form_lr()[0], None))
    else:
        opt, sch = make(c)
        for step in range(n):
            lr, mom = read(c, opt)
            stepped.append((step, lr, mom))
            if step + 1 < n:
                sch.step()
    # 2. The closed form agrees with stepping on the overlap.
    opt2, sch2 = make(c)
    worst = 0.0
    for step, lr, mom in stepped:
        if k == "cosine":
            break
        clr, cmom = closed_form(c, sch2, opt2, step)
        if k in ("triangular", "triangular2", "exp_range", "onecycle"):
            assert clr == lr and cmom == mom, (spec(c), step, lr, clr, mom, cmom)
        else:  # StepLR/ExponentialLR/SGDR step recursively; the closed forms round differently
            worst = max(worst, rel(clr, lr))
            if k == "cosine_restarts":
                worst = max(worst, rel(exact_restarts(c, step), lr))
    assert worst < 1e-12, (spec(c), worst)
    # 3. Closed-form samples beyond the stepped range.
    sampled = []
    opt3, sch3 = make(c)
    for step in sampled_steps(c, n):
        lr, mom = closed_form(c, sch3, opt3, step)
        if k == "cosine_restarts":
            assert rel(exact_restarts(c, step), lr) < 1e-12, (spec(c), step, lr, exact_restarts(c, step))
        sampled.append((step, lr, mom))
    for step, lr, mom in stepped + sampled:
        lr = decayed(c, step, lr)
        if 0 < abs(lr) < 1e-290:
            continue
        rows.append((step, lr, mom))
    return rows


def main():
    specs = set()
    out_rows = 0
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("spec\tstep\tlr\tmomentum\n")
        for c in HAND + RANDOM:
            s = spec(c)
            if s in specs:
                continue
            specs.add(s)
            for step, lr, mom in rows_for(c):
                f.write("%s\t%d\t%s\t%s\n" % (s, step, num(lr), "" if mom is None else num(mom)))
                out_rows += 1
    size = os.path.getsize(OUT)
    print("PyTorch CosineAnnealingWarmRestarts.step(epoch) disagrees with stepping at %d sampled steps, e.g. %s"
          % (len(EPOCH_PATH_MISSES), EPOCH_PATH_MISSES[:3]), file=sys.stderr)
    print("torch %s: %d specs, %d rows, %.2f MB -> %s" % (torch.__version__, len(specs), out_rows, size / 1e6,
                                                          os.path.relpath(OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
