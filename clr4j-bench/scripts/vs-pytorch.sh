#!/usr/bin/env bash
# Training throughput of clr4j against PyTorch's fastest configuration and against the same libtorch without clr4j,
# measured in one sitting: ROUNDS rounds, each running every variant once in the same order, on full Fashion-MNIST,
# batch 128 (mlp: 3 epochs, cnn: 1 epoch). Prints every run's samples/s (training steps only, as each reports it),
# each variant's median, and the ratios of clr4j's median to the fastest PyTorch variant's and to plain DJL's.
#
# Variants:
#   clr4j                     `clr4j train` with the 1cycle spec below (scheduled SGD, momentum cycled, weight
#                             decay 5e-4), as the launcher runs it
#   plain DJL                 org.clr4j.bench.PlainDjl: the same model and libtorch, DJL's own ArrayDataset,
#                             EasyTrain.trainBatch and built-in SGD at a fixed rate: what a user gets without clr4j
#   pytorch T thread(s)       train_pytorch.py (Debian's PyTorch 1.13) with T intra-op threads (T = 1 and the
#                             cores), OpenBLAS kept to the calling thread; for cnn also with channels-last memory
#   ... OMP active            with OMP=active in the environment only: the same with OMP_WAIT_POLICY=ACTIVE
#                             (OpenMP threads spin between parallel regions instead of sleeping), for clr4j and
#                             each PyTorch variant; it can pay on an idle machine and costs many times over on a
#                             busy one (docs/BENCHMARKS.md), so it is nobody's default
# "Fastest PyTorch" is the PyTorch variant with the highest median.
#
# usage: [OMP=active] vs-pytorch.sh mlp|cnn [ROUNDS] [OUT]
#        (needs /usr/bin/python3 with torch: apt-get install python3-torch)
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
cores=$(nproc)
mkdir -p "$out"
"$root/clr4j" --version > /dev/null   # build first
(cd "$root" && ./mvnw -q -B -ntp -pl clr4j-bench -am install -Dmaven.test.skip=true) >&2

omp=(); [ "${OMP:-}" = active ] && omp=("OMP active")
variants=("clr4j" "plain DJL")
pytorch=("pytorch $cores threads" "pytorch 1 thread")
[ "$model" = cnn ] && pytorch+=("pytorch $cores threads channels-last" "pytorch 1 thread channels-last")
variants+=("${pytorch[@]}")
if [ ${#omp[@]} -gt 0 ]; then
  variants+=("clr4j, OMP active")
  for v in "${pytorch[@]}"; do variants+=("$v, OMP active"); done
fi

run() {  # variant -> samples/s
  local envs=() extra=()
  case "$1" in *"OMP active"*) envs=(OMP_WAIT_POLICY=ACTIVE) ;; esac
  case "$1" in
    clr4j*)
      env "${envs[@]}" "$root/clr4j" train --data fashion-mnist --model "$model" --epochs "$epochs" \
          --schedule "$spec" --no-checkpoint --overwrite --out "$out/run" 2> /dev/null \
        | sed -n 's/^final test accuracy.* \([0-9]*\) samples\/s.*/\1/p'
      return ;;
    "plain DJL")
      # the launcher's JVM and allocator settings, so that only the training code differs
      env MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 \
          java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
          -cp "$root/clr4j-bench/target/benchmarks.jar" org.clr4j.bench.PlainDjl "$model" "$epochs" 2> /dev/null \
        | sed -n 's/.* \([0-9]*\) samples\/s.*/\1/p'
      return ;;
  esac
  case "$1" in *"1 thread"*) extra+=(--threads 1) ;; *) extra+=(--threads "$cores") ;; esac
  case "$1" in *channels-last*) extra+=(--channels-last) ;; esac
  env "${envs[@]}" "$py" "$root/clr4j-bench/python/train_pytorch.py" --model "$model" --epochs "$epochs" \
      --schedule "$spec" "${extra[@]}" --quiet | sed -n 's/.* \([0-9]*\) samples\/s.*/\1/p'
}

alternate_rounds "$rounds" "$model variant" | tee "$out/table.md"
median_of() { grep -F "| $1 |" "$out/table.md" | head -1 | awk -F'|' '{gsub(/ /, "", $4); print $4}' || true; }
best=""; best_v=""
for v in "${pytorch[@]}"; do
  for w in "$v" "$v, OMP active"; do
    m=$(median_of "$w")
    if [ -n "$m" ] && { [ -z "$best" ] || [ "$m" -gt "$best" ]; }; then best=$m; best_v=$w; fi
  done
done
c=$(median_of "clr4j"); d=$(median_of "plain DJL")
echo
echo "fastest PyTorch: $best_v ($best samples/s)"
awk -v c="$c" -v b="$best" -v d="$d" 'BEGIN {
  printf "clr4j / fastest PyTorch: %.2fx\nclr4j / plain DJL: %.2fx\n", c / b, c / d }'
