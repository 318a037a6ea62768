#!/usr/bin/env bash
# Writer-stall benchmark (issue 10): how long a running service's writes wait while a
# migration runs. One pgbench client updates random `address` and `address_lineage_closure`
# rows throughout; for each migration we report the worst latency of the transactions that
# overlapped it, next to the worst latency of the same client with no DDL running (the floor).
#
#   bench/writer-stall.sh                 # 100,000 addresses, 1,000,000 closure rows
#   ADDRESSES=20000 FANOUT=10 bench/writer-stall.sh
#   MIGRATIONS=/path/to/migrations bench/writer-stall.sh
#
# Database: DATABASE_URL's server if set (it must let us create databases), else a throwaway
# cluster (via `with-postgres`). Prints figures only: nothing here passes or fails on time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# The CLI only sends SQL: a debug build measures the same locks and saves a release build.
bin=$root/target/debug

if [[ -z ${WATCHER_BENCH_INNER:-} ]]; then
    cd "$root"
    echo "building (CLI, with-postgres)..." >&2
    cargo build -q -p watcher-schema-cli --bin watcher-schema
    cargo build -q -p watcher-schema-tests --bin with-postgres
    for tool in pgbench psql; do
        command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install postgresql-client postgresql-contrib" >&2; exit 1; }
    done
    WATCHER_BENCH_INNER=1 exec "$root/target/debug/with-postgres" -- "$0" "$@"
fi

url=$DATABASE_URL
migrations=${MIGRATIONS:-$root/migrations}
addresses=${ADDRESSES:-100000}
fanout=${FANOUT:-10}
floor_seconds=${FLOOR_SECONDS:-5}
# The migrations measured, each applied with `upgrade +1` from the one before it.
measured=(${MEASURED:-20251011103728 20251018195622 20251019142513 20251021195850})

work=$(mktemp -d)
writer_pid=
cleanup() {
    [[ -n $writer_pid ]] && kill -INT "$writer_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cli() { DATABASE_URL=$url "$bin/watcher-schema" --dir "$migrations" "$@"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }

# Everything before the first measured migration, then the rows.
previous=$(ls "$migrations" | grep -B1 "^${measured[0]}_" | head -1 | cut -d_ -f1)
cli upgrade "$previous" >/dev/null 2>&1
echo "populating: $addresses addresses, $((addresses * fanout)) closure rows..." >&2
# From 20251011103728 on, `address.input_hash` is NOT NULL without a default.
hash_column=
hash_value=
if [[ $(sql -At -c "SELECT count(*) FROM information_schema.columns
        WHERE table_name = 'address' AND column_name = 'input_hash'") == 1 ]]; then
    hash_column=", input_hash"
    hash_value=", left(md5(i::text), 20)"
fi
# From 20251018195622 on, `address_lineage_closure.lineage_path` is too.
path_column=
path_value=
if [[ $(sql -At -c "SELECT count(*) FROM information_schema.columns
        WHERE table_name = 'address_lineage_closure' AND column_name = 'lineage_path'") == 1 ]]; then
    path_column=", lineage_path"
    path_value=", '{}'"
fi
sql <<SQL
INSERT INTO address_type (name, group_name) VALUES ('table', 'db');
INSERT INTO address (name, address_type_id$hash_column)
    SELECT 'schema.table_' || i, (SELECT min(id) FROM address_type)$hash_value
    FROM generate_series(1, $addresses) i;
INSERT INTO address_lineage_closure (source_address_id, target_address_id, depth$path_column)
    SELECT s, ((s + k * 7919) % $addresses) + 1, k$path_value
    FROM generate_series(1, $addresses) s, generate_series(1, $fanout) k;
VACUUM ANALYZE address;
VACUUM ANALYZE address_lineage_closure;
SQL

# The service: one transaction updates one address and one of its closure rows.
cat >"$work/writer.sql" <<SQL
\set a random(1, $addresses)
\set k random(1, $fanout)
BEGIN;
UPDATE address SET updated_at = now() WHERE id = :a;
UPDATE address_lineage_closure SET depth = depth
    WHERE source_address_id = :a AND target_address_id = ((:a + :k * 7919) % $addresses) + 1;
END;
SQL

start_writer() {
    rm -f "$work"/pgbench_log.*
    (cd "$work" && exec pgbench -n -c 1 -T 3600 -f writer.sql -l "$url" >"$work/pgbench.out" 2>&1) &
    writer_pid=$!
    # Wait for its first logged transaction (pgbench flushes its log as it goes).
    until compgen -G "$work/pgbench_log.*" >/dev/null && [[ -s $(ls "$work"/pgbench_log.* | head -1) ]]; do
        kill -0 "$writer_pid" 2>/dev/null || { cat "$work/pgbench.out" >&2; exit 1; }
        sleep 0.05
    done
}

stop_writer() {
    kill -INT "$writer_pid" 2>/dev/null || true
    wait "$writer_pid" 2>/dev/null || true
    writer_pid=
}

# worst FROM_US TO_US: "worst_ms p99_ms count" of the transactions that overlapped
# [FROM, TO] (epoch microseconds). Log columns: client, tx, latency µs, script, epoch s, µs.
worst() {
    cat "$work"/pgbench_log.* | awk -v from="$1" -v to="$2" '
        { end = $5 * 1000000 + $6; start = end - $3
          if (end >= from && start <= to) print $3 }' | sort -n | awk '
        { lat[NR] = $1 }
        END {
          if (NR == 0) { print "0 0 0"; exit }
          printf "%.1f %.1f %d\n", lat[NR] / 1000, lat[int(0.99 * (NR - 1)) + 1] / 1000, NR }'
}

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

echo "server: $(sql -At -c 'SHOW server_version'), cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
start_writer
t0=$(now_us)
sleep "$floor_seconds"   # the floor's window, not a synchronisation
t1=$(now_us)
read -r floor floor_p99 floor_n < <(worst "$t0" "$t1")
stop_writer
printf '\n%-16s %-64s %10s %9s %9s %7s\n' migration name "writer max" "p99" "migration" "txns"
printf '%-16s %-64s %8s ms %6s ms %9s %7s\n' "(no DDL)" "floor, ${floor_seconds} s" "$floor" "$floor_p99" "-" "$floor_n"

for version in "${measured[@]}"; do
    name=$(ls "$migrations" | grep "^${version}_" | head -1)
    start_writer
    t0=$(now_us)
    if ! cli upgrade "$version" >"$work/upgrade.log" 2>&1; then
        stop_writer
        echo "upgrade to $version failed:" >&2
        cat "$work/upgrade.log" >&2
        exit 1
    fi
    t1=$(now_us)
    # Let transactions the migration held up finish and reach the log.
    sleep 0.5
    stop_writer
    read -r max p99 n < <(worst "$t0" "$t1")
    printf '%-16s %-64s %8s ms %6s ms %6d ms %7s\n' "$version" "${name#*_}" "$max" "$p99" \
        $(((t1 - t0) / 1000)) "$n"
done
echo
echo "goal: every migration's writer max within the floor + 50 ms"
