#!/usr/bin/env bash
# Does the range test's suggested upper bound pick a good 1cycle peak? For one model and dataset:
#   1. `clr4j find` once (its cost is what a user pays to choose the rate), recording every method's suggestion;
#   2. a grid of 1cycle peaks (max lr) over 3 decades, each trained for the same epochs (what a grid search pays);
#   3. one run at each method's suggested upper bound.
# Prints a markdown table: test accuracy per grid value and per method, and the compute of each (in epochs).
#
# usage: range-test-grid.sh MODEL DATA EPOCHS BATCH OUT [LR...]
#   e.g. clr4j-bench/scripts/range-test-grid.sh cnn fashion-mnist 2 128 /tmp/grid-cnn
#        clr4j-bench/scripts/range-test-grid.sh mlp csv:/tmp/digits.csv 30 32 /tmp/grid-digits
set -euo pipefail
model=$1 data=$2 epochs=$3 batch=$4 out=$5
shift 5
lrs=("$@")
[ ${#lrs[@]} -gt 0 ] || lrs=(0.003 0.01 0.03 0.1 0.3 1 3)
root="$(cd "$(dirname "$0")/../.." && pwd)"
clr4j="$root/clr4j"
mkdir -p "$out"
common=(--data "$data" --model "$model" --batch-size "$batch" --seed 42)

# Each step is skipped when its result exists, so an interrupted run continues where it stopped.
[ -f "$out/find/range-test.json" ] || \
  "$clr4j" find "${common[@]}" --repeats 1 --epochs "$epochs" --out "$out/find" > "$out/find.txt" 2> /dev/null
# (--repeats 1: one test, as the figures in docs/BENCHMARKS.md were measured before find repeated it by default)
cat "$out/find.txt" >&2

acc() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['final_accuracy'])" "$1/run.json"; }
steps_per_epoch=$(/usr/bin/python3 -c "import json,sys,math; r=json.load(open(sys.argv[1])); print(math.ceil(r['train_samples']/$batch))" "$out/find/range-test.json")
total=$((steps_per_epoch * epochs))

train() { # $1 = max lr, $2 = run dir
  [ -f "$2/run.json" ] || "$clr4j" train "${common[@]}" --schedule "onecycle(max=$1, total=$total)" \
      --epochs "$epochs" --no-checkpoint --out "$2" > "$2.txt" 2> /dev/null
}

echo "| 1cycle max lr | test accuracy | source |"
echo "|---:|---:|---|"
best=0
for lr in "${lrs[@]}"; do
  mkdir -p "$out/grid"
  train "$lr" "$out/grid/$lr"
  a=$(acc "$out/grid/$lr")
  best=$(/usr/bin/python3 -c "print(max($best, $a))")
  printf '| %s | %.2f%% | grid |\n' "$lr" "$(/usr/bin/python3 -c "print(100*$a)")"
done
for method in steepest min_div_10 minimum divergence valley accuracy; do
  upper=$(/usr/bin/python3 - "$out/find/range-test.json" "$method" <<'PY'
import json, sys
from decimal import Decimal, Context
s = json.load(open(sys.argv[1]))["suggestions"].get(sys.argv[2], {})
print(float(Context(prec=2).create_decimal(s["upper"])) if "upper" in s else "")
PY
)
  if [ -z "$upper" ]; then
    printf '| – | – | %s: no suggestion |\n' "$method"
    continue
  fi
  train "$upper" "$out/method-$method"
  a=$(acc "$out/method-$method")
  printf '| %s | %.2f%% | suggested by %s (%+.2f pp vs grid best) |\n' "$upper" \
      "$(/usr/bin/python3 -c "print(100*$a)")" "$method" "$(/usr/bin/python3 -c "print(100*($a-$best))")"
done
rt=$(/usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['points'])" "$out/find/range-test.json")
printf '\ngrid best %.2f%%; grid compute %d runs x %d epochs = %d epochs; range test %d steps = %.2f epochs (1/%.0f of the grid)\n' \
  "$(/usr/bin/python3 -c "print(100*$best)")" "${#lrs[@]}" "$epochs" "$((${#lrs[@]} * epochs))" "$rt" \
  "$(/usr/bin/python3 -c "print($rt/$steps_per_epoch)")" \
  "$(/usr/bin/python3 -c "print(${#lrs[@]}*$epochs*$steps_per_epoch/$rt)")"
