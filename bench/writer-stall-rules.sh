#!/usr/bin/env bash
# Writer stall per generator rule (issue 10): one struct edit per rule on `Address`, each
# written by `watcher-schema revision --autogenerate` into a copy of the project, then timed
# by bench/writer-stall.sh (its writer updates `address` and `address_lineage_closure` rows).
#
#   bench/writer-stall-rules.sh             # 100,000 addresses, 1,000,000 closure rows
#   ADDRESSES=20000 bench/writer-stall-rules.sh
#
# Prints figures only: nothing here passes or fails on time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cargo build -q -p watcher-schema-cli --bin watcher-schema
cli=$root/target/debug/watcher-schema

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/migrations" "$work/migrations"
mkdir -p "$work/watcher-schema"
cp -r "$root/watcher-schema/src" "$work/watcher-schema/src"
lineage=$work/watcher-schema/src/lineage.rs

# edit NAME PYTHON: applies a Python string replacement to lineage.rs, then generates the
# migration for it; its version goes to $versions.
versions=()
edit() {
    local name=$1 old=$2 new=$3
    python3 - "$lineage" "$old" "$new" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if old not in text:
    sys.exit(f"bench: {old!r} not in {path}")
open(path, "w").write(text.replace(old, new, 1))
PY
    (cd "$work" && "$cli" revision --autogenerate -m "$name" >/dev/null)
    versions+=("$(ls "$work/migrations" | tail -1 | cut -d_ -f1)")
    # Versions are seconds: keep them apart.
    sleep 1
}

header='    unique_index(name = "ux_address_name_include", columns(name), include(id))
)]'

# One rule each; every edit keeps the ones before it.
edit "index address schema_name" "$header" \
    '    unique_index(name = "ux_address_name_include", columns(name), include(id)),
    index(name = "ix_address_schema_name", columns(schema_name))
)]'
edit "unique address name" \
    '    index(name = "ix_address_schema_name", columns(schema_name))
)]' \
    '    index(name = "ix_address_schema_name", columns(schema_name)),
    unique(name = "uq_address_name", columns(name))
)]'
edit "check address name" \
    '    unique(name = "uq_address_name", columns(name))
)]' \
    '    unique(name = "uq_address_name", columns(name)),
    check(name = "ck_address_name_not_empty", expr = "length(name) > 0")
)]'
edit "tighten address database_name" \
    '    #[watcher(max_length = 50)]
    pub database_name: Option<String>,' \
    '    #[watcher(max_length = 50, backfill = "split_part(name, '"'"'.'"'"', 1)")]
    pub database_name: String,'
edit "address owner with a constant fill" \
    '    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Hash' \
    '    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Owning team.
    #[watcher(max_length = 20, backfill = "'"'"'data'"'"'")]
    pub owner: String,
    /// Hash'
edit "rebuild index address_type_id" \
    'index(name = "ix_address_address_type_id", columns(address_type_id))' \
    'index(name = "ix_address_address_type_id", columns(address_type_id), include(name))'

echo "rules: ${versions[*]}" >&2
for v in "${versions[@]}"; do
    echo "$v $(ls "$work/migrations" | grep "^${v}_" | cut -d_ -f2-): $(grep -c '^-- step:' "$work/migrations/${v}_"*/up.sql) steps" >&2
done
MIGRATIONS=$work/migrations MEASURED="${versions[*]}" "$root/bench/writer-stall.sh"
