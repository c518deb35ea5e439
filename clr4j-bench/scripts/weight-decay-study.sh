#!/usr/bin/env bash
# The measurement behind --weight-decay auto (docs/RANGE_TEST.md, "Automatic weight decay"), on full Fashion-MNIST:
#  1. truth: train --bounds auto at each weight decay for the goal budget (mlp 6 epochs, cnn 3), seeds 42 and 43;
#  2. the search alone (train --weight-decay auto --epochs 1): its trials' held-out loss and accuracy, seeds 42-44.
# Then prints both tables. Finished runs are skipped, so the script resumes. About 2 h on 2 cores.
# Usage: clr4j-bench/scripts/weight-decay-study.sh [OUT]   (default /tmp/weight-decay-study)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/weight-decay-study}"
mkdir -p "$out"
clr4j="$root/clr4j"
for model in mlp cnn; do
  epochs=$([ $model = mlp ] && echo 6 || echo 3)
  for seed in 42 43; do
    for wd in 0 1e-4 3e-4 5e-4 1e-3; do
      d="$out/truth-$model-$wd-$seed"
      [ -f "$d/run.json" ] || "$clr4j" train --data fashion-mnist --model $model --bounds auto --weight-decay $wd \
        --epochs $epochs --seed $seed --threads 2 --no-checkpoint --overwrite --out "$d" > "$d.log" 2>&1
    done
  done
  for seed in 42 43 44; do
    d="$out/search-$model-$seed"
    [ -f "$d/run.json" ] || "$clr4j" train --data fashion-mnist --model $model --weight-decay auto --epochs 1 \
      --seed $seed --threads 2 --no-checkpoint --overwrite --out "$d" > "$d.log" 2>&1
  done
done
python3 - "$out" <<'PY'
import csv, glob, json, os, sys
from collections import defaultdict
out = sys.argv[1]
print("truth: final test accuracy (%) at the goal budget, per weight decay and seed")
truth = defaultdict(dict)
for f in glob.glob(os.path.join(out, "truth-*/run.json")):
    parts = os.path.basename(os.path.dirname(f)).split("-")  # truth-MODEL-WD-SEED, WD like 1e-4
    model, wd, seed = parts[1], "-".join(parts[2:-1]), parts[-1]
    truth[(model, float(wd))][seed] = 100 * json.load(open(f))["final_accuracy"]
for (model, wd), seeds in sorted(truth.items()):
    vals = [seeds[s] for s in sorted(seeds)]
    print(f"  {model} wd {wd:g}: " + ", ".join(f"{v:.2f}" for v in vals) + f"  mean {sum(vals) / len(vals):.2f}")
print("search: trials' held-out loss / accuracy (%) per weight decay and seed, and the choice")
for f in sorted(glob.glob(os.path.join(out, "search-*/weight-decay.csv"))):
    rows = list(csv.DictReader(open(f)))
    name = os.path.basename(os.path.dirname(f))
    chosen = [r["weight_decay"] for r in rows if r["chosen"] == "true"]
    cells = ", ".join(f"{float(r['weight_decay']):g}: {float(r['heldout_loss']):.4f} / "
                      f"{100 * float(r['heldout_accuracy']):.2f}" for r in rows)
    print(f"  {name}: {cells}; chose {float(chosen[0]):g}")
PY
