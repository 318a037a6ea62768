#!/usr/bin/env bash
# Build and CLI cost of schemas of N generated tables (bench/scale/gen.py: 8 fields per table,
# half with a foreign key to the previous one), against the same tables written by hand as
# `diesel print-schema` prints them with `fk_related_tables`, restricted to the same pairs.
#
# Usage: bench/scale.sh [N ...]          (default: 100 300)
#   MIGRATIONS=M   the chain has M migrations, each creating the next N/M tables (default 10)
#   SAME_QUERY=all_tables   give `schema!` that switch (the pre-issue-13 behaviour; slow)
#   PER_MODULE=P   tables per module file of the generated crate (default 10)
#   HAND=0         skip the hand-written crate (its columns then read 0)
#   WORK=dir       keep the generated crates there (default: a temporary directory)
#
# Per N it prints: the CLI's `revision --autogenerate` (the slowest of the M runs) and
# `check --offline` over the whole chain; then, for each crate, with its dependencies already
# built in a target directory both crates share: a clean build of the crate alone, the
# rustc peak memory of that build, and a rebuild after touching one file of ten tables.
# One run each, on whatever else the machine is doing: read the figures as upper bounds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 300)
m=${MIGRATIONS:-10}
work=${WORK:-$(mktemp -d)}
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
target="$work/target"

command -v bc >/dev/null || { echo "bc is needed: apt-get install bc" >&2; exit 1; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

# peak_build DIR PACKAGE: builds DIR (cargo build, dependencies already built), prints
# "seconds peak_MB". Peak memory: /usr/bin/time -v's maximum RSS of the build's processes
# (rustc of the crate is by far the largest), else VmHWM of that rustc polled from /proc.
peak_build() {
  local dir=$1 crate=$2 t0 secs mb log="$work/build.log"
  if [ -x /usr/bin/time ]; then
    t0=$(now)
    (cd "$dir" && CARGO_TARGET_DIR=$target /usr/bin/time -v cargo build -q 2>"$log") ||
      { cat "$log" >&2; exit 1; }
    secs=$(since "$t0")
    mb=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
  else
    local peak=0 pid hwm
    t0=$(now)
    (cd "$dir" && CARGO_TARGET_DIR=$target cargo build -q 2>"$log") &
    local build=$!
    while kill -0 "$build" 2>/dev/null; do
      for pid in $(pgrep -f "crate-name ${crate//-/_}" || true); do
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
      done
      sleep 0.2
    done
    wait "$build" || { cat "$log" >&2; exit 1; }
    secs=$(since "$t0")
    mb=$((peak / 1024))
  fi
  echo "$secs $mb"
}

# crate_figures DIR PACKAGE TOUCH: "clean_s peak_MB incremental_s" for the crate alone.
crate_figures() {
  local dir=$1 crate=$2 touch_file=$3 clean incr t0
  # The dependencies only: the crate's own build is what is timed. (watcher-schema's build
  # script builds the host core that the crate's build.rs uses.)
  local deps=(-p diesel -p diesel_migrations)
  [ "$crate" = scale-ours ] && deps+=(-p watcher-schema)
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo build -q "${deps[@]}")
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo clean -q -p "$crate")
  clean=$(peak_build "$dir" "$crate") || exit 1
  touch "$dir/$touch_file"
  t0=$(now)
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo build -q)
  incr=$(since "$t0")
  echo "$clean $incr"
}

cd "$root"
cargo build -q -p watcher-schema-cli
cli="$root/target/debug/watcher-schema"

results=()
for n in "${sizes[@]}"; do
  ours="$work/n$n/ours" hand="$work/n$n/hand"
  rm -rf "$work/n$n"
  mkdir -p "$ours/migrations" "$hand"

  # The chain: migration k creates the tables the structs gain from step k-1 to step k.
  worst=0
  for k in $(seq 1 "$m"); do
    python3 bench/scale/gen.py ours "$ours" "$n" --upto $((n * k / m)) --per-module "${PER_MODULE:-10}"
    t0=$(now)
    "$cli" --dir "$ours/migrations" revision --autogenerate --schema-src "$ours/src" \
      --rev-id "$(printf '2025010100%04d' "$k")" -m "step $k" >/dev/null
    t=$(since "$t0")
    worst=$(echo "if ($t > $worst) $t else $worst" | bc)
  done
  python3 bench/scale/gen.py ours "$ours" "$n" --per-module "${PER_MODULE:-10}"
  if [ -n "${SAME_QUERY:-}" ]; then
    sed -i "s/^watcher_schema::schema! {/watcher_schema::schema! {\n    same_query = \"$SAME_QUERY\";/" "$ours/src/lib.rs"
  fi
  t0=$(now)
  "$cli" --dir "$ours/migrations" check --offline --schema-src "$ours/src" >/dev/null
  check=$(since "$t0")

  cat >"$ours/Cargo.toml" <<EOF
[package]
name = "scale-ours"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
watcher-schema = { path = "$root/watcher-schema" }
diesel = { version = "~2.3", default-features = false, features = ["postgres", "with-deprecated", "32-column-tables"] }
diesel_migrations = { version = "~2.3", features = ["postgres"] }

[build-dependencies]
watcher-schema-core = { path = "$root/watcher-schema-core", default-features = false }

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
EOF
  # What watcher-schema's own build.rs does: the head model into OUT_DIR for the macros.
  cat >"$ours/build.rs" <<'EOF'
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    if let Err(err) = watcher_schema_core::head::write_build_model(Path::new("migrations"), Path::new(&out)) {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
EOF
  echo 'pub const MIGRATIONS: diesel_migrations::EmbeddedMigrations = diesel_migrations::embed_migrations!("migrations");' >>"$ours/src/lib.rs"
  cp Cargo.lock "$ours/Cargo.lock"

  python3 bench/scale/gen.py hand "$hand" "$n"
  cp -r "$ours/migrations" "$hand/migrations"
  cat >"$hand/Cargo.toml" <<'EOF'
[package]
name = "scale-hand"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
diesel = { version = "~2.3", default-features = false, features = ["postgres", "with-deprecated", "32-column-tables"] }
diesel_migrations = { version = "~2.3", features = ["postgres"] }

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
EOF
  cp Cargo.lock "$hand/Cargo.lock"

  # Assigned first, so that a failed build stops the script (set -e).
  hand_figures="0 0 0"
  [ "${HAND:-1}" = 0 ] || hand_figures=$(crate_figures "$hand" scale-hand src/models.rs)
  ours_figures=$(crate_figures "$ours" scale-ours src/g00.rs)
  read -r hc hm hi <<<"$hand_figures"
  read -r oc om oi <<<"$ours_figures"
  results+=("$n $worst $check $hc $hm $hi $oc $om $oi")
done

printf '%6s | %9s %9s | %9s %8s %9s | %9s %8s %9s | %6s\n' tables "revision" "check" \
  "hand s" "hand MB" "hand incr" "ours s" "ours MB" "ours incr" "ratio"
for r in "${results[@]}"; do
  read -r n w c hc hm hi oc om oi <<<"$r"
  printf '%6d | %9.2f %9.2f | %9.1f %8d %9.1f | %9.1f %8d %9.1f | %6.2f\n' \
    "$n" "$w" "$c" "$hc" "$hm" "$hi" "$oc" "$om" "$oi" "$(echo "if ($hc > 0) $oc / $hc else 0" | bc -l)"
done
# Build time ~ tables^k between the first and the last size.
if [ ${#results[@]} -ge 2 ] && [ "${HAND:-1}" != 0 ]; then
  read -r n1 _ _ h1 _ _ o1 _ _ <<<"${results[0]}"
  read -r n2 _ _ h2 _ _ o2 _ _ <<<"${results[-1]}"
  printf 'exponent (clean build ~ tables^k, %d → %d tables): ours %.2f, hand-written %.2f\n' \
    "$n1" "$n2" "$(echo "l($o2 / $o1) / l($n2 / $n1)" | bc -l)" "$(echo "l($h2 / $h1) / l($n2 / $n1)" | bc -l)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: figures are upper bounds)"
