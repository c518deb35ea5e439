# Sourced by the throughput scripts (cnn-throughput.sh, vs-pytorch.sh): runs every variant once per round, in the
# same order each round, printing each run's samples/s, then a markdown table of each variant's runs and median.
# The caller defines the array `variants` and a function `run VARIANT` that prints one run's samples/s.
#
# usage: alternate_rounds ROUNDS HEADER     (HEADER: the table's first column title)
alternate_rounds() {
  local rounds=$1 header=$2 r v s median
  declare -A all
  for r in $(seq "$rounds"); do
    for v in "${variants[@]}"; do
      s=$(run "$v")
      echo "round $r  $v: $s samples/s"
      all[$v]="${all[$v]:-} $s"
    done
  done
  echo
  printf '| %s | samples/s per round | median |\n|---|---|--:|\n' "$header"
  for v in "${variants[@]}"; do
    median=$(printf '%s\n' ${all[$v]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '| %s |%s | %s |\n' "$v" "${all[$v]}" "$median"
  done
}
