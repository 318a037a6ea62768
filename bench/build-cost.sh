#!/usr/bin/env bash
# Build cost of the `watcher-schema` crate against the same 12 tables written by hand with
# Diesel (bench/build-cost/handwritten): clean builds (all dependencies, fresh target dirs)
# and incremental rebuilds after touching one schema source file. Prints seconds and ratios.
# Usage: bench/build-cost.sh [runs]   (default 3; the median is reported)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# time_build NAME TARGET_DIR TOUCH_FILE -- cargo args...
time_build() {
  local name=$1 target=$2 touch_file=$3; shift 4
  local clean=() incr=()
  for _ in $(seq "$runs"); do
    rm -rf "$target"
    local t0; t0=$(now)
    CARGO_TARGET_DIR=$target "$@" >/dev/null 2>&1
    clean+=("$(echo "$(now) - $t0" | bc)")
    touch "$touch_file"
    t0=$(now)
    CARGO_TARGET_DIR=$target "$@" >/dev/null 2>&1
    incr+=("$(echo "$(now) - $t0" | bc)")
  done
  printf '%s %s %s\n' "$name" \
    "$(printf '%s\n' "${clean[@]}" | median)" "$(printf '%s\n' "${incr[@]}" | median)"
}

command -v bc >/dev/null || { echo "bc is needed: apt-get install bc" >&2; exit 1; }
cd "$root"
cargo fetch --quiet
(cd bench/build-cost/handwritten && cargo fetch --quiet)

hand=$(cd bench/build-cost/handwritten && time_build handwritten "$work/hand" src/lib.rs -- cargo build)
ours=$(time_build watcher-schema "$work/ours" watcher-schema/src/lib.rs -- cargo build -p watcher-schema)

read -r _ hc hi <<<"$hand"
read -r _ oc oi <<<"$ours"
printf '%-16s %10s %12s\n' "" "clean (s)" "incremental (s)"
printf '%-16s %10.2f %12.2f\n' "hand-written" "$hc" "$hi" "watcher-schema" "$oc" "$oi"
printf '%-16s %10.3f %12.3f   (target: clean <= 1.10)\n' "ratio" \
  "$(echo "$oc / $hc" | bc -l)" "$(echo "$oi / $hi" | bc -l)"
