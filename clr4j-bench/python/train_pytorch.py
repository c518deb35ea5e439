#!/usr/bin/env python3
"""PyTorch reference training run: the same models, data and hyperparameters as `clr4j train`, to compare accuracy
and throughput on one machine (`clr4j bench --pytorch` calls it).

Run:  /usr/bin/python3 clr4j-bench/python/train_pytorch.py --model cnn --epochs 2 \
          --schedule "onecycle(max=0.1, total=938)" --json /tmp/pt.json

What matches clr4j (clr4j-djl ReferenceModels, TrainingLoop, OptimizerConfig.defaults("sgd"), FashionMnist):
- data: the four Fashion-MNIST IDX files (gzipped or plain), pixels x/255 as float32 of shape (N,1,28,28), nothing
  else (no mean/std normalization), held in memory;
- models: mlp = Flatten, Linear(784,256), ReLU, Linear(256,128), ReLU, Linear(128,10);
  cnn = [Conv2d(3x3, padding 1), BatchNorm2d, ReLU, MaxPool2d(2)] x (32, 64), Flatten, Linear(3136,128), ReLU,
  Linear(128,10); softmax cross-entropy;
- SGD with momentum 0.9 (where the schedule sets none) and weight decay 5e-4, batch 128, the last partial batch
  kept (ceil(60000/128) = 469 steps per epoch), the scheduler stepped after every optimizer step;
- initialization (--init djl, the default): weights N(0, 2/fan_in) (DJL's XavierInitializer(GAUSSIAN, IN, 2)),
  biases 0, batch-norm gamma 1 / beta 0. --init pytorch keeps PyTorch's own defaults instead;
- evaluation after each epoch on the test set in batches of 1000 (batch norm in inference mode);
- threads: --threads intra-op threads (default: the cores), 1 inter-op thread; where the system BLAS is OpenBLAS's
  pthread build, OPENBLAS_NUM_THREADS=1 unless set, so that its pool does not spin against PyTorch's (see
  avoid_blas_oversubscription);
- timing: training steps only (evaluation excluded); train_seconds is cumulative since the start, as in clr4j's
  run.json, samples_per_second is that epoch's.
The data order differs (torch.randperm seeded by --seed, where clr4j uses its own seeded shuffle), as does the
random stream for initialization, so single runs differ by seed noise; compare means over seeds.

--schedule takes clr4j's text spec (docs/SPEC.md) for constant, step, exponential, cosine, triangular, triangular2,
exp_range and onecycle, mapped to the PyTorch schedulers: OneCycleLR, CyclicLR, StepLR, ExponentialLR,
CosineAnnealingLR. Two clr4j semantics PyTorch lacks are added around them: `decay=` of both cyclic bounds
(lr x decay^step) and holding the last value once a onecycle/cosine schedule has run out of steps.
"""
import argparse
import gzip
import json
import math
import os
import platform
import re
import struct
import sys
import sysconfig
import time


def avoid_blas_oversubscription():
    """Keeps OpenBLAS's own thread pool from competing with PyTorch's OpenMP pool, before either loads.

    Debian's torch calls the system BLAS for its linear layers. OpenBLAS's pthread build (libopenblas0-pthread)
    starts its own threads, one per core, beside PyTorch's OpenMP threads, which spin while OpenBLAS works: with 2
    threads on 2 cores that made an mlp step 2.5x slower and a cnn step about 18 % slower (docs/BENCHMARKS.md,
    "PyTorch's threads"). With OPENBLAS_NUM_THREADS=1 the BLAS runs on the calling thread and PyTorch's own
    threads do the rest, as in a PyTorch built with MKL or the OpenMP OpenBLAS. A value the caller set is kept.
    Returns (the BLAS library libblas.so.3 resolves to, or None; what this function set, or None).
    """
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    blas = None
    for directory in (os.path.join("/usr/lib", multiarch), "/usr/lib64", "/usr/lib"):
        candidate = os.path.join(directory, "libblas.so.3")
        if os.path.exists(candidate):
            blas = os.path.realpath(candidate)
            break
    if blas and "openblas-pthread" in blas and "OPENBLAS_NUM_THREADS" not in os.environ:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        return blas, "OPENBLAS_NUM_THREADS=1"
    return blas, None


BLAS, BLAS_SETTING = avoid_blas_oversubscription()

import numpy as np  # noqa: E402 (after the BLAS setting, which OpenBLAS reads when it loads)
import torch  # noqa: E402
from torch import nn  # noqa: E402

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


# ---------------------------------------------------------------------------------------------------------- data

def read_idx(directory, name):
    """An IDX file (NAME.gz or NAME) as a numpy uint8 array of its dimensions."""
    path = os.path.join(directory, name + ".gz")
    opener = gzip.open
    if not os.path.isfile(path):
        path = os.path.join(directory, name)
        opener = open
    if not os.path.isfile(path):
        sys.exit(f"error: {os.path.join(directory, name)}(.gz) not found; give --data-dir with the four "
                 f"Fashion-MNIST files ({', '.join(FILES)})")
    with opener(path, "rb") as f:
        content = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", content[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"error: {path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, content[4:4 + 4 * ndim])
    data = np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        sys.exit(f"error: {path}: holds {data.size} bytes of data, its header says {dims}")
    return data.reshape(dims)


def load_fashion_mnist(directory, train_samples=None, test_samples=None):
    """(x_train, y_train, x_test, y_test): float32 pixels / 255 of shape (N,1,28,28) and int64 labels."""
    arrays = [read_idx(directory, name) for name in FILES]

    def images(a, n):
        a = a[:n] if n else a
        return torch.from_numpy(a.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)

    def labels(a, n):
        a = a[:n] if n else a
        return torch.from_numpy(a.astype(np.int64))

    return (images(arrays[0], train_samples), labels(arrays[1], train_samples),
            images(arrays[2], test_samples), labels(arrays[3], test_samples))


# -------------------------------------------------------------------------------------------------------- models

def build_model(name, classes=10):
    if name == "mlp":
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, classes))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
            nn.Linear(128, classes))
    raise ValueError(f"model ({name}) must be mlp or cnn")


def init_like_djl(model):
    """DJL's defaults: weights ~ N(0, 2/fan_in) (XavierInitializer GAUSSIAN/IN/2), biases 0; BN keeps 1/0."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            fan_in = m.weight[0].numel()
            with torch.no_grad():
                m.weight.normal_(0.0, math.sqrt(2.0 / fan_in))
                m.bias.zero_()


# ----------------------------------------------------------------------------------------------- schedule specs

SPEC_RE = re.compile(r"^\s*([a-z_0-9]+)\s*\((.*)\)\s*$", re.S)


def parse_spec(text):
    """clr4j's `name(key=value, ...)` (flat specs only) -> (name, {key: value-string})."""
    m = SPEC_RE.match(text)
    if not m:
        raise ValueError(f'schedule spec "{text}" must look like name(key=value, ...), e.g. onecycle(max=0.1, total=938)')
    name, body = m.group(1), m.group(2).strip()
    args = {}
    if body:
        for part in body.split(","):
            if "=" not in part:
                raise ValueError(f'schedule spec "{text}": argument "{part.strip()}" must be key=value')
            key, value = part.split("=", 1)
            key = key.strip()
            if key in args:
                raise ValueError(f'schedule spec "{text}": key {key} given twice')
            args[key] = value.strip()
    return name, args


KEYS = {
    "constant": ({"lr"}, set()),
    "step": ({"lr", "every", "gamma"}, set()),
    "exponential": ({"lr", "gamma"}, set()),
    "cosine": ({"lr", "total"}, {"min"}),
    "triangular": ({"base", "max", "up"}, {"down", "momentum", "decay"}),
    "triangular2": ({"base", "max", "up"}, {"down", "momentum", "decay"}),
    "exp_range": ({"base", "max", "up", "gamma"}, {"down", "momentum", "decay"}),
    "onecycle": ({"max", "total"}, {"pct", "div", "final_div", "anneal", "phases", "momentum"}),
}


class Scheduler:
    """Steps a PyTorch scheduler after each optimizer step, adding the clr4j semantics PyTorch lacks."""

    def __init__(self, optimizer, inner, spec, hold_after=None, decay=None):
        self.optimizer = optimizer
        self.inner = inner          # a torch scheduler, or None for a constant rate
        self.spec = spec
        self.hold_after = hold_after  # last valid step (0-based) of onecycle/cosine; held afterwards
        self.decay = decay
        self.step_count = 0
        self._apply_decay()

    def step(self):
        self.step_count += 1
        if self.inner is None:
            return
        if self.hold_after is not None and self.step_count > self.hold_after:
            return  # clr4j holds the final value; OneCycleLR would raise, CosineAnnealingLR would rise again
        self.inner.step()
        self._apply_decay()

    def _apply_decay(self):
        if self.decay is not None:
            # CyclicLR recomputes lr from its step count each time, so scaling afterwards gives
            # (base + (max - base) * scale) * decay^step = clr4j's decay of both bounds.
            factor = self.decay ** self.step_count
            for g in self.optimizer.param_groups:
                g["lr"] *= factor

    def lr(self):
        return self.optimizer.param_groups[0]["lr"]


def make_scheduler(text, optimizer):
    name, args = parse_spec(text)
    if name not in KEYS:
        raise ValueError(f'schedule spec "{text}": {name} is not supported here; use one of {", ".join(KEYS)}')
    required, optional = KEYS[name]
    missing = required - args.keys()
    unknown = args.keys() - required - optional
    if missing or unknown:
        raise ValueError(f'schedule spec "{text}": ' + "; ".join(
            ([f"missing {', '.join(sorted(missing))}"] if missing else [])
            + ([f"unknown {', '.join(sorted(unknown))}"] if unknown else [])))
    f = lambda k, d=None: float(args[k]) if k in args else d
    i = lambda k, d=None: int(round(float(args[k]))) if k in args else d
    sch = torch.optim.lr_scheduler

    def set_lr(lr):
        for g in optimizer.param_groups:
            g["lr"] = lr
            g["initial_lr"] = lr

    if name == "constant":
        set_lr(f("lr"))
        return Scheduler(optimizer, None, text)
    if name == "step":
        set_lr(f("lr"))
        return Scheduler(optimizer, sch.StepLR(optimizer, step_size=i("every"), gamma=f("gamma")), text)
    if name == "exponential":
        set_lr(f("lr"))
        return Scheduler(optimizer, sch.ExponentialLR(optimizer, gamma=f("gamma")), text)
    if name == "cosine":
        set_lr(f("lr"))
        total = i("total")
        return Scheduler(optimizer, sch.CosineAnnealingLR(optimizer, T_max=total, eta_min=f("min", 0.0)), text,
                         hold_after=total)
    if name in ("triangular", "triangular2", "exp_range"):
        momentum = args.get("momentum")
        low, high = (0.8, 0.9) if momentum is None else map(float, momentum.split(":"))
        up = i("up")
        inner = sch.CyclicLR(optimizer, base_lr=f("base"), max_lr=f("max"), step_size_up=up,
                             step_size_down=i("down", up), mode=name, gamma=f("gamma", 1.0),
                             cycle_momentum=momentum is not None, base_momentum=low, max_momentum=high)
        return Scheduler(optimizer, inner, text, decay=f("decay"))
    # onecycle
    momentum = args.get("momentum", "0.85:0.95")
    cycle = momentum != "none"
    low, high = map(float, momentum.split(":")) if cycle else (0.85, 0.95)
    total = i("total")
    phases = i("phases", 2)
    if phases not in (2, 3):
        raise ValueError(f'schedule spec "{text}": phases ({phases}) must be 2 or 3')
    inner = sch.OneCycleLR(optimizer, max_lr=f("max"), total_steps=total, pct_start=f("pct", 0.3),
                           anneal_strategy=args.get("anneal", "cos"), cycle_momentum=cycle, base_momentum=low,
                           max_momentum=high, div_factor=f("div", 25.0), final_div_factor=f("final_div", 1e4),
                           three_phase=phases == 3)
    return Scheduler(optimizer, inner, text, hold_after=total - 1)


# ---------------------------------------------------------------------------------------------------- training

def batches(n, batch_size, generator, data_loader, x, y):
    """Yields (xb, yb) for one epoch in a fresh seeded order; the last partial batch is kept."""
    if data_loader is not None:
        yield from data_loader  # reshuffles on every pass
        return
    order = torch.randperm(n, generator=generator)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


def evaluate(model, x, y, batch_size=1000):
    model.eval()
    loss_sum, correct = 0.0, 0
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    with torch.no_grad():
        for start in range(0, len(y), batch_size):
            out = model(x[start:start + batch_size])
            yb = y[start:start + batch_size]
            loss_sum += loss_fn(out, yb).item()
            correct += (out.argmax(1) == yb).sum().item()
    model.train()
    return loss_sum / len(y), correct / len(y)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--schedule", default="onecycle(max=0.1, total=938)",
                   help="clr4j schedule spec (default: %(default)s)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum where the schedule sets none")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                   help="torch.set_num_threads (default: the cores available, %(default)s)")
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    p.add_argument("--train-samples", type=int, default=0, help="use only the first N training samples (0: all)")
    p.add_argument("--test-samples", type=int, default=0, help="use only the first N test samples (0: all)")
    p.add_argument("--loader", choices=("randperm", "dataloader"), default="randperm",
                   help="randperm: index in-memory tensors (fast, default); dataloader: TensorDataset+DataLoader")
    p.add_argument("--init", choices=("djl", "pytorch"), default="djl",
                   help="djl: clr4j's initialization (default); pytorch: PyTorch's layer defaults")
    p.add_argument("--channels-last", action="store_true",
                   help="cnn: keep weights and activations in channels-last memory (torch.channels_last), as clr4j "
                        "does; off by default, as most PyTorch code runs")
    p.add_argument("--json", metavar="OUT.json", help="write the per-epoch results and settings as JSON")
    p.add_argument("--quiet", action="store_true", help="print only the summary line")
    a = p.parse_args(argv)
    for name in ("epochs", "batch_size", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} ({getattr(a, name)}) must be >= 1")

    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)  # as clr4j (ai.djl.pytorch.num_interop_threads=1)
    except RuntimeError:
        pass
    x_train, y_train, x_test, y_test = load_fashion_mnist(a.data_dir, a.train_samples, a.test_samples)
    n = len(y_train)
    steps_per_epoch = math.ceil(n / a.batch_size)

    torch.manual_seed(a.seed)
    model = build_model(a.model)
    if a.init == "djl":
        init_like_djl(model)
    memory_format = torch.channels_last if a.channels_last and a.model == "cnn" else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=a.momentum, weight_decay=a.weight_decay)
    try:
        scheduler = make_scheduler(a.schedule, optimizer)
    except ValueError as e:
        p.error(str(e))
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(a.seed)
    data_loader = None
    if a.loader == "dataloader":
        data_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train),
                                                      batch_size=a.batch_size, shuffle=True, drop_last=False,
                                                      generator=generator)

    log = (lambda *s: None) if a.quiet else print
    log(f"torch {torch.__version__}, {a.threads} thread(s), BLAS {BLAS or 'unknown'} "
        f"(OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
        f"{', set by this script' if BLAS_SETTING else ''}), {platform.machine()}; data {n}/{len(y_test)} from "
        f"{a.data_dir}; model {a.model} (init {a.init}); sgd(momentum={a.momentum}, weight_decay={a.weight_decay}), "
        f"batch {a.batch_size}, {steps_per_epoch} steps/epoch; schedule {a.schedule}; seed {a.seed}; loader {a.loader}"
        + ("; channels-last" if memory_format is torch.channels_last else ""))
    log(f"{'epoch':>5} {'train loss':>10} {'test loss':>10} {'accuracy':>9} {'seconds':>9} {'samples/s':>10}")
    model.train()
    epochs = []
    total_seconds = 0.0
    for epoch in range(a.epochs):
        loss_sum, steps, seen = 0.0, 0, 0
        losses = []
        t0 = time.perf_counter()
        for xb, yb in batches(n, a.batch_size, generator, data_loader, x_train, y_train):
            out = model(xb.contiguous(memory_format=memory_format))
            loss = loss_fn(out, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.detach())
            steps += 1
            seen += len(yb)
        seconds = time.perf_counter() - t0
        loss_sum = torch.stack(losses).sum().item()
        if not math.isfinite(loss_sum):
            sys.exit(f"error: training diverged in epoch {epoch + 1} (lr {scheduler.lr():.3g}); "
                     f"lower the maximum learning rate")
        total_seconds += seconds
        test_loss, test_acc = evaluate(model, x_test, y_test)
        e = {"epoch": epoch + 1, "steps": (epoch + 1) * steps_per_epoch, "train_loss": loss_sum / steps,
             "test_loss": test_loss, "test_accuracy": test_acc, "train_seconds": total_seconds,
             "samples_per_second": seen / seconds}
        epochs.append(e)
        log(f"{e['epoch']:5d} {e['train_loss']:10.4f} {test_loss:10.4f} {100 * test_acc:8.2f}% {total_seconds:9.1f} "
            f"{e['samples_per_second']:10.0f}")
        sys.stdout.flush()

    overall = n * a.epochs / total_seconds
    final = epochs[-1]["test_accuracy"]
    best = max(e["test_accuracy"] for e in epochs)
    print(f"final test accuracy {100 * final:.2f}% (best {100 * best:.2f}%), {a.epochs * steps_per_epoch} steps, "
          f"{overall:.0f} samples/s, {total_seconds:.1f} s training")
    if a.json:
        record = {
            "command": "train_pytorch",
            "command_line": " ".join([os.path.basename(sys.executable)] + sys.argv),
            "environment": {"torch": torch.__version__, "python": platform.python_version(),
                            "numpy": np.__version__, "os": f"{platform.system()} {platform.release()}",
                            "arch": platform.machine(), "cores": os.cpu_count()},
            "torch": torch.__version__, "threads": a.threads, "blas": BLAS,
            "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"), "blas_setting": BLAS_SETTING,
            "model": a.model, "init": a.init, "schedule": a.schedule, "seed": a.seed, "epochs": a.epochs,
            "batch_size": a.batch_size, "loader": a.loader, "channels_last": memory_format is torch.channels_last,
            "optimizer": f"sgd(momentum={a.momentum}, weight_decay={a.weight_decay})",
            "data": os.path.abspath(a.data_dir), "train_samples": n, "test_samples": len(y_test),
            "steps_per_epoch": steps_per_epoch, "final_accuracy": final, "best_accuracy": best,
            "samples_per_second": overall, "train_seconds": total_seconds, "epoch_results": epochs,
        }
        directory = os.path.dirname(os.path.abspath(a.json))
        os.makedirs(directory, exist_ok=True)
        tmp = a.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(record, f, indent=2)
            f.write("\n")
        os.replace(tmp, a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
