#!/usr/bin/env bash
# cnn training throughput, clr4j against PyTorch 1.13, measured in one sitting: ROUNDS rounds, each running every
# variant once for one full Fashion-MNIST epoch (469 steps of 128, 1cycle max 0.1), in the same order. Prints the
# samples/s of every run and each variant's median. Variants: clr4j with the cnn in plain NCHW memory and glibc's
# default allocator (the state before either change), channels-last with glibc's defaults, channels-last with the
# launcher's glibc settings (its default), channels-last with tcmalloc preloaded (when installed:
# apt-get install libtcmalloc-minimal4); PyTorch as most code runs it, and with channels-last memory.
#
# usage: cnn-throughput.sh [ROUNDS] [OUT]      (needs /usr/bin/python3 with torch: apt-get install python3-torch)
set -euo pipefail
rounds=${1:-3}
out=${2:-/tmp/cnn-throughput}
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=rounds.sh
. "$(dirname "$0")/rounds.sh"
clr4j="$root/clr4j"
py=/usr/bin/python3
spec="onecycle(max=0.1, total=469)"
mkdir -p "$out"
"$clr4j" --version > /dev/null   # build first

tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
variants=("clr4j nchw, glibc defaults" "clr4j channels-last, glibc defaults" "clr4j channels-last, glibc tuned")
[ -r "$tcmalloc" ] && variants+=("clr4j channels-last, tcmalloc")
variants+=("pytorch" "pytorch channels-last")

run() {  # variant -> samples/s
  opts=; malloc=system; preload=
  case "$1" in
    "clr4j nchw, glibc defaults") opts=-Dclr4j.channelsLast=false ;;
    "clr4j channels-last, glibc defaults") ;;
    "clr4j channels-last, glibc tuned") malloc=glibc ;;
    "clr4j channels-last, tcmalloc") preload=$tcmalloc ;;
    pytorch*)
      extra=(); [ "$1" = "pytorch channels-last" ] && extra=(--channels-last)
      "$py" "$root/clr4j-bench/python/train_pytorch.py" --model cnn --epochs 1 --schedule "$spec" "${extra[@]}" \
          --quiet | sed -n 's/.* \([0-9]*\) samples\/s.*/\1/p'
      return ;;
  esac
  LD_PRELOAD="$preload" CLR4J_JAVA_OPTS="$opts" CLR4J_MALLOC="$malloc" "$clr4j" train --data fashion-mnist \
      --model cnn --epochs 1 --schedule "$spec" --no-checkpoint --out "$out/run" 2> /dev/null \
      | sed -n 's/^final test accuracy.* \([0-9]*\) samples\/s.*/\1/p'
}

alternate_rounds "$rounds" "variant"
