#!/usr/bin/env bash
# kill -9 a training run part-way, resume it, and compare with the same run left alone: the resumed run must end
# with the same step count and the same lr, momentum and loss at every step.
#
# usage: kill-resume-check.sh [OUT] [SECONDS_BEFORE_KILL]
set -euo pipefail
out=${1:-/tmp/kill-resume}
wait_s=${2:-12}
root="$(cd "$(dirname "$0")/../.." && pwd)"
clr4j="$root/clr4j"
args=(train --data fashion-mnist-small --model cnn --epochs 3 --seed 7 --threads 2
      --schedule "onecycle(max=0.1, total=237)")
rm -rf "$out" && mkdir -p "$out"
"$clr4j" --version > /dev/null   # build first, so that the kill lands in training

"$clr4j" "${args[@]}" --out "$out/straight" > "$out/straight.txt" 2> /dev/null

"$clr4j" "${args[@]}" --out "$out/killed" > "$out/killed.txt" 2> /dev/null &
pid=$!
sleep "$wait_s"
pkill -9 -f -- "--out $out/killed" || true
wait "$pid" 2> /dev/null || true
if grep -q "final test accuracy" "$out/killed.txt"; then
  echo "the run finished before the kill; give fewer SECONDS_BEFORE_KILL" >&2
  exit 1
fi
echo "killed with SIGKILL after ${wait_s}s; what it printed:"
cat "$out/killed.txt"
echo "checkpoint: $(ls -l "$out/killed/checkpoint/" | grep -c clr4j) file(s), no temporary files left: \
$( (ls "$out/killed/checkpoint/" | grep -c tmp) || true)"

"$clr4j" "${args[@]}" --out "$out/killed" --resume > "$out/resumed.txt" 2> /dev/null
cat "$out/resumed.txt"

/usr/bin/python3 - "$out/straight/steps.csv" "$out/killed/steps.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b), f"step counts differ: {len(a)} vs {len(b)}"
for col in ("lr", "momentum", "loss"):
    diff = [r["step"] for r, s in zip(a, b) if r[col] != s[col]]
    assert not diff, f"{col} differs at steps {diff[:5]}"
print(f"OK: {len(a)} steps; lr, momentum and loss identical at every step after kill -9 and --resume")
PY
