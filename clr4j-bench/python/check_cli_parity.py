#!/usr/bin/python3
"""Acceptance check of issue 2: `clr4j schedule ... --steps N` against PyTorch 1.13 (Debian python3-torch), step by step.

Run from anywhere: /usr/bin/python3 clr4j-bench/python/check_cli_parity.py  (builds the CLI on first use)
Checks onecycle(max=0.1,total=1000) and the three CyclicLR modes with momentum at random valid parameters; fails
if any lr or momentum differs by more than 1e-9 relative.
"""
import subprocess, torch, random, math, sys
import os
CLR4J = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clr4j")
def cli(spec, n):
    out = subprocess.run([CLR4J, "schedule", spec, "--steps", str(n)], capture_output=True, text=True, check=True).stdout
    rows = [l.split(",") for l in out.strip().split("\n")[1:]]
    return [(float(r[1]), float(r[2]) if r[2] else None) for r in rows]
def check(spec, sched_fn, n):
    p = torch.zeros(1, requires_grad=True); o = torch.optim.SGD([p], lr=0.1, momentum=0.9); s = sched_fn(o)
    ref = []
    for i in range(n):
        ref.append((o.param_groups[0]["lr"], o.param_groups[0]["momentum"])); o.step(); s.step()
    got = cli(spec, n)
    worst = max(max(abs(a[0]-b[0])/abs(b[0]), abs(a[1]-b[1])/abs(b[1]) if a[1] is not None else 0) for a, b in zip(got, ref))
    print(f"{spec}: {n} steps, largest relative difference {worst:.2e}")
    assert worst <= 1e-9
import warnings; warnings.filterwarnings("ignore")
check("onecycle(max=0.1,total=1000)", lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=1000), 1000)
random.seed(7)
for mode in ["triangular", "triangular2", "exp_range"]:
    base = 10**random.uniform(-5,-2); mx = base*10**random.uniform(0,2); up = random.randint(1,300); down = random.randint(1,300)
    lo = random.uniform(0.5,0.9); hi = random.uniform(lo,0.99); g = random.uniform(0.99,1.0)
    spec = f"{mode}(base={base!r}, max={mx!r}, up={up}, down={down}, momentum={lo!r}:{hi!r}" + (f", gamma={g!r}" if mode=="exp_range" else "") + ")"
    check(spec, lambda o: torch.optim.lr_scheduler.CyclicLR(o, base, mx, step_size_up=up, step_size_down=down, mode=mode, gamma=g, base_momentum=lo, max_momentum=hi), 2000)
