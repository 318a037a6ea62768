#!/usr/bin/env bash
# Regenerates the migrations the guide's examples compile against. Each ```rust block of
# watcher-schema/src/docs/*.md that says `migrations = "doc-fixtures/NAME"` is written out
# (hidden `# ` lines included) as a scratch source tree, and doc-fixtures/NAME is rebuilt
# from it with `watcher-schema revision --autogenerate`: generated, never written by hand.
# The fixed version and message keep the output byte-for-byte stable. After editing an
# example, run this: until then its doc test fails with the drift it introduced.
# Usage: watcher-schema/doc-fixtures/generate.sh [NAME...]   (default: every example)
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
root=$(dirname "$crate")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One file per block, named by its fixture; compile_fail, no_run and other blocks are skipped.
awk -v out="$work" '
  function flush(   name, n, m) {
    n = split(block, lines, "\n")
    name = ""
    for (i = 1; i <= n; i++) {
      if (match(lines[i], /migrations = "doc-fixtures\/[a-z_]+"/)) {
        m = substr(lines[i], RSTART + 27, RLENGTH - 28)
        if (name != "" && name != m) { print FILENAME ": one block names " name " and " m > "/dev/stderr"; exit 1 }
        name = m
      }
    }
    if (name == "") return
    if (name in seen) { print FILENAME ": two blocks generate " name > "/dev/stderr"; exit 1 }
    seen[name] = 1
    system("mkdir -p " out "/" name "/src")
    printf "%s", block > (out "/" name "/src/lib.rs")
    close(out "/" name "/src/lib.rs")
  }
  /^```rust[ \t]*$/ { inside = 1; block = ""; next }
  /^```/ && inside  { inside = 0; flush(); next }
  inside {
    line = $0
    # rustdoc hides `# x` and a lone `#`; `##` is an escaped `#`.
    if (line == "#") line = ""
    else if (substr(line, 1, 2) == "# ") line = substr(line, 3)
    else if (substr(line, 1, 2) == "##") line = substr(line, 2)
    block = block line "\n"
  }
' "$crate"/src/docs/*.md

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for dir in "$work"/*/; do names+=("$(basename "$dir")"); done
fi

cd "$root"
cargo build -q -p watcher-schema-cli
cli="${CARGO_TARGET_DIR:-$root/target}/debug/watcher-schema"
for name in "${names[@]}"; do
  [ -f "$work/$name/src/lib.rs" ] || { echo "no example names doc-fixtures/$name" >&2; exit 1; }
  rm -rf "$crate/doc-fixtures/$name"
  mkdir -p "$crate/doc-fixtures/$name"
  "$cli" --dir "watcher-schema/doc-fixtures/$name" revision --autogenerate \
    -m initial --rev-id 20250101000000 --schema-src "$work/$name/src"
done
