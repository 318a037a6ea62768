#!/usr/bin/env bash
# The main job, end to end: a throwaway PostgreSQL cluster; the service's boot, which applies
# the migrations embedded in its binary and queries through the generated Diesel code; then
# an operator's view of that database through the `watcher-schema` CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q -p watcher-schema-tests --bin with-postgres
cargo build -q -p watcher-schema-cli --bin watcher-schema
cargo build -q -p watcher-schema --example boot

bin=target/debug
exec "$bin/with-postgres" -- bash -euo pipefail -c "
  echo '== service boot (embedded migrations, Diesel)'
  $bin/examples/boot
  echo
  echo '== watcher-schema current'
  $bin/watcher-schema current
  echo
  echo '== watcher-schema history'
  $bin/watcher-schema history
  echo
  echo '== watcher-schema check (ledger, live catalog and structs agree)'
  $bin/watcher-schema check
"
