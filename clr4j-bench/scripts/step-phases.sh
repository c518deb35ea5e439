#!/usr/bin/env bash
# A training step phase by phase (batch, forward, loss, backward, update, free), clr4j against PyTorch on one
# machine: milliseconds per phase (ROUNDS alternating rounds of STEPS steps each after 40 warm-up steps, every run's
# line printed) and the native operators each phase calls (one profiled step per variant, counted by count_ops.py).
#
# Variants: clr4j (its step: scheduled SGD on 1cycle, fused update, Batches.update), clr4j-reference (the same with
# the reference update path, UpdatePath.REFERENCE), djl (the same batch, model and loss with
# DJL's built-in SGD through trainer.step(): the same libtorch without clr4j's update), pytorch with 1 thread and with
# the cores' threads (step_phases.py); for cnn PyTorch also channels-last. OMP=active in the environment runs every
# variant with OMP_WAIT_POLICY=ACTIVE.
#
# usage: step-phases.sh mlp|cnn [ROUNDS] [STEPS] [OUT]
set -euo pipefail
model=${1:?usage: step-phases.sh mlp|cnn [ROUNDS] [STEPS] [OUT]}
rounds=${2:-3}
steps=${3:-300}
out=${4:-/tmp/step-phases-$model}
root="$(cd "$(dirname "$0")/../.." && pwd)"
py=/usr/bin/python3
cores=$(nproc)
mkdir -p "$out"
(cd "$root" && ./mvnw -q -B -ntp -pl clr4j-bench -am install -Dmaven.test.skip=true) >&2
envs=()
[ "${OMP:-}" = active ] && envs=(OMP_WAIT_POLICY=ACTIVE)

java_phases() {  # variant [trace dir]
  env "${envs[@]}" MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 \
      java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
      -cp "$root/clr4j-bench/target/benchmarks.jar" org.clr4j.bench.StepPhases "$model" "$steps" fashion-mnist \
      "$@" 2> /dev/null
}
py_phases() {  # threads [extra...]
  env "${envs[@]}" "$py" "$root/clr4j-bench/python/step_phases.py" "$model" "$steps" --threads "$@"
}
py_variants=("1" "$cores")
[ "$model" = cnn ] && py_variants+=("1 --channels-last" "$cores --channels-last")

for r in $(seq "$rounds"); do
  java_phases clr4j
  java_phases clr4j-reference
  java_phases djl
  for v in "${py_variants[@]}"; do
    # shellcheck disable=SC2086
    py_phases $v
  done
done | tee "$out/phases.txt"
echo
"$py" "$root/clr4j-bench/python/phase_table.py" "$out/phases.txt"

java_phases clr4j "$out/ops-clr4j" > /dev/null
java_phases clr4j-reference "$out/ops-clr4j-reference" > /dev/null
java_phases djl "$out/ops-djl" > /dev/null
py_phases "$cores" --traces "$out/ops-pytorch" > /dev/null
echo
"$py" "$root/clr4j-bench/python/count_ops.py" "$out/ops-clr4j" "$out/ops-clr4j-reference" "$out/ops-djl" \
    "$out/ops-pytorch" --names
