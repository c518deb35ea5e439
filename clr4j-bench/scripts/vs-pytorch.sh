#!/usr/bin/env bash
# Training throughput of clr4j against PyTorch 1.13 on one model, measured in one sitting: ROUNDS rounds, each
# running every variant once in the same order, on full Fashion-MNIST with the same 1cycle spec (mlp: 3 epochs,
# cnn: 1 epoch, batch 128). Prints the samples/s of every run (training steps only, as each reports it) and each
# variant's median. Variants: clr4j as the launcher runs it; PyTorch as train_pytorch.py runs it (the cores'
# threads, OpenBLAS kept to the calling thread); PyTorch on 1 thread; PyTorch with OpenBLAS's own thread pool left
# on (OPENBLAS_NUM_THREADS=2, what the script did before it set 1); for cnn also PyTorch with channels-last memory.
#
# usage: vs-pytorch.sh mlp|cnn [ROUNDS] [OUT]   (needs /usr/bin/python3 with torch: apt-get install python3-torch)
set -euo pipefail
model=${1:?usage: vs-pytorch.sh mlp|cnn [ROUNDS] [OUT]}
rounds=${2:-3}
out=${3:-/tmp/vs-pytorch-$model}
case "$model" in
  mlp) epochs=3; spec="onecycle(max=0.071, total=1407)" ;;
  cnn) epochs=1; spec="onecycle(max=0.1, total=469)" ;;
  *) echo "vs-pytorch.sh: model ($model) must be mlp or cnn" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=rounds.sh
. "$(dirname "$0")/rounds.sh"
py=/usr/bin/python3
mkdir -p "$out"
"$root/clr4j" --version > /dev/null   # build first

variants=("clr4j" "pytorch" "pytorch 1 thread" "pytorch, OpenBLAS pool on")
[ "$model" = cnn ] && variants+=("pytorch channels-last")

run() {  # variant -> samples/s
  if [ "$1" = clr4j ]; then
    "$root/clr4j" train --data fashion-mnist --model "$model" --epochs "$epochs" --schedule "$spec" \
        --no-checkpoint --out "$out/run" 2> /dev/null | sed -n 's/^final test accuracy.* \([0-9]*\) samples\/s.*/\1/p'
    return
  fi
  extra=(); envs=()
  case "$1" in
    "pytorch 1 thread") extra=(--threads 1) ;;
    "pytorch, OpenBLAS pool on") envs=(OPENBLAS_NUM_THREADS=2) ;;
    "pytorch channels-last") extra=(--channels-last) ;;
  esac
  env "${envs[@]}" "$py" "$root/clr4j-bench/python/train_pytorch.py" --model "$model" --epochs "$epochs" \
      --schedule "$spec" "${extra[@]}" --quiet | sed -n 's/.* \([0-9]*\) samples\/s.*/\1/p'
}

alternate_rounds "$rounds" "$model variant"
