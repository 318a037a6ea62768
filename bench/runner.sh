#!/usr/bin/env bash
# Runner benchmark (issue 4, "Performance"): whole processes, interleaved over N rounds.
#
#   upgrade, each after a database reset (DROP + CREATE DATABASE), timed apart and left out:
#     ours    `watcher-schema upgrade head` (the CLI, release build)
#     psql    `psql -1 -f` of every up.sql concatenated
#     diesel  `diesel migration run` on the same directory (Diesel's own CLI)
#   no-op boot, on a database already at head:
#     bare           Diesel `PgConnection::establish` + `SELECT 1` (examples/bare_connect.rs)
#     boot_embedded  the service's path: embedded migrations, `Runner::run_pending_url`
#     boot_dir       `watcher-schema-boot migrations/` (the runner reading the directory)
#     cli_noop       `watcher-schema upgrade head` with nothing to do (for information)
#
# Usage: bench/runner.sh [ROUNDS]       (default 15; one extra warm-up round is discarded)
# Database: DATABASE_URL's server if set, else a throwaway cluster (via `with-postgres`).
# Diesel's CLI: $DIESEL, else `diesel` on PATH, else installed with cargo into
# ${WATCHER_BENCH_CACHE:-~/.cache/watcher-schema-bench}/diesel_cli (once; needs crates.io).
# Prints figures only: nothing here passes or fails on time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-15}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/runner.sh [ROUNDS]" >&2; exit 2; }
release=$root/target/release

# --- outer half: build, find Diesel's CLI, get a database, re-run ourselves inside it -----
if [[ -z ${WATCHER_BENCH_INNER:-} ]]; then
    cd "$root"
    echo "building (release)..." >&2
    cargo build --release -q -p watcher-schema-cli -p watcher-schema-runner \
        --bin watcher-schema --bin watcher-schema-boot \
        --example bare_connect --example embedded_boot
    cargo build -q -p watcher-schema-tests --bin with-postgres

    cache=${WATCHER_BENCH_CACHE:-$HOME/.cache/watcher-schema-bench}
    diesel=${DIESEL:-$(command -v diesel || true)}
    if [[ -z $diesel ]]; then
        diesel=$cache/diesel_cli/bin/diesel
        if [[ ! -x $diesel ]]; then
            echo "installing Diesel's CLI into $cache/diesel_cli (once)..." >&2
            cargo install -q diesel_cli --version '^2.3' --no-default-features \
                --features postgres --locked --root "$cache/diesel_cli"
        fi
    fi
    command -v psql >/dev/null || { echo "psql is needed: apt-get install postgresql-client" >&2; exit 1; }

    WATCHER_BENCH_INNER=1 DIESEL=$diesel exec "$root/target/debug/with-postgres" -- "$0" "$rounds"
fi

# --- inner half: DATABASE_URL is a fresh database on the server we may create databases on --
url=$DATABASE_URL
base=${url%%\?*}          # the URL without its query string
query=${url#"$base"}
server=${base%/*}         # postgres://user@host:port
fresh=${base##*/}         # the database with-postgres created; it drops it afterwards
admin="$server/postgres$query"
target_db="${fresh}_upgrade"
target="$server/$target_db$query"
noop="$url"
# The embedded migrations are the repository's own chain: their no-op boot needs a database
# at its head (the plain chain's checksums differ).
embedded_db="${fresh}_embedded"
noop_embedded="$server/$embedded_db$query"

work=$(mktemp -d)
cleanup() {
    psql -X -q "$admin" -c "DROP DATABASE IF EXISTS \"$target_db\" WITH (FORCE)" >/dev/null 2>&1 || true
    psql -X -q "$admin" -c "DROP DATABASE IF EXISTS \"$embedded_db\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The same SQL for every candidate: psql -1 and Diesel's CLI send a file as one batch, which
# an online migration (steps outside a transaction, docs/ONLINE.md) cannot be. So by default
# the chain is the history in its plain transactional form, as it stood before the online
# generator (commit 5332633, same schema); MIGRATIONS=dir picks another.
if [[ -n ${MIGRATIONS:-} ]]; then
    migrations=$MIGRATIONS
else
    migrations=$work/plain-migrations
    mkdir -p "$migrations"
    git -C "$root" archive 5332633 migrations | tar -x -C "$work/plain-migrations" --strip-components=1
fi
cat "$migrations"/*/up.sql >"$work/all-up.sql"
count=$(find "$migrations" -mindepth 2 -maxdepth 2 -name up.sql | wc -l)

# Each candidate is a function; its output goes to a log, shown if it fails. An upgrade
# candidate runs after a reset of its database, timed on its own: the reset is what a fresh
# deploy pays whatever tool it uses, and timing it apart keeps its (large, noisy) cost out
# of the comparison instead of subtracting one noisy median from another.
reset() {
    psql -X -q "$admin" -c "DROP DATABASE IF EXISTS \"$target_db\" WITH (FORCE)" \
        -c "CREATE DATABASE \"$target_db\""
}
run_ours() { DATABASE_URL=$target "$release/watcher-schema" --dir "$migrations" upgrade head; }
run_psql() { psql -X -q -1 -v ON_ERROR_STOP=1 -f "$work/all-up.sql" "$target"; }
# From an empty directory, so that no diesel.toml (and its print_schema) is picked up.
run_diesel() { (cd "$work" && "$DIESEL" migration run --migration-dir "$migrations" --database-url "$target"); }
run_bare() { DATABASE_URL=$noop "$release/examples/bare_connect"; }
run_boot_embedded() { DATABASE_URL=$noop_embedded "$release/examples/embedded_boot"; }
run_boot_dir() { DATABASE_URL=$noop "$release/watcher-schema-boot" "$migrations"; }
run_cli_noop() { DATABASE_URL=$noop "$release/watcher-schema" --dir "$migrations" upgrade head; }

upgrades=(ours psql diesel)
noops=(bare boot_embedded boot_dir cli_noop)
# The no-op candidates take a few milliseconds each: run them this many times per round.
noop_repeat=${NOOP_REPEAT:-8}

# time_one NAME: runs the candidate once (after a timed reset if it is an upgrade) and
# appends its wall time in microseconds to its file.
time_one() {
    local name=$1 t0 t1 t2
    if [[ " ${upgrades[*]} " == *" $name "* ]]; then
        t0=${EPOCHREALTIME/[.,]/}
        reset >"$work/log" 2>&1 || { echo "reset failed:" >&2; cat "$work/log" >&2; exit 1; }
        echo $((${EPOCHREALTIME/[.,]/} - t0)) >>"$work/reset.us"
    fi
    t1=${EPOCHREALTIME/[.,]/}
    if ! "run_$name" >"$work/log" 2>&1; then
        echo "candidate $name failed:" >&2
        cat "$work/log" >&2
        exit 1
    fi
    t2=${EPOCHREALTIME/[.,]/}
    echo $((t2 - t1)) >>"$work/$name.us"
}

# What an upgrade built, left out the ledger (only the runners keep one): a count of each
# kind of object, so that all three are seen to do the same work.
built() {
    psql -X -At "$target" -c "SELECT \
        (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace \
            AND relkind = 'r' AND relname <> '__diesel_schema_migrations') || ' tables, ' || \
        (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' \
            AND table_name <> '__diesel_schema_migrations') || ' columns, ' || \
        (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' \
            AND tablename <> '__diesel_schema_migrations') || ' indexes, ' || \
        (SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
            AND conrelid::regclass::text <> '__diesel_schema_migrations') || ' constraints, ' || \
        (SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace \
            AND typtype = 'e') || ' enum types'"
}

# Warm-up (discarded): pages the binaries in, migrates the no-op database, checks that the
# three upgrades built the same objects.
DATABASE_URL=$noop "$release/watcher-schema" --dir "$migrations" upgrade head >/dev/null
psql -X -q "$admin" -c "CREATE DATABASE \"$embedded_db\""
DATABASE_URL=$noop_embedded "$release/watcher-schema" --dir "$root/migrations" upgrade head >/dev/null 2>&1
made=()
for name in "${upgrades[@]}"; do
    time_one "$name"
    made+=("$name: $(built)")
done
for name in "${noops[@]}"; do time_one "$name"; done
rm -f "$work"/*.us
first=${made[0]#*: }
for line in "${made[@]}"; do
    [[ ${line#*: } == "$first" ]] || {
        echo "the upgrades built different schemas:" >&2
        printf '  %s\n' "${made[@]}" >&2
        exit 1
    }
done

# Rotate the order each round so that no candidate always follows the same one.
# The machine's load says how far to trust the figures: other processes share its cores.
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "rounds: $rounds (interleaved, rotating order; no-op candidates ${noop_repeat}x per round)"
echo "migrations: $count, each upgrade builds $first"
echo "server: $(psql -X -At "$admin" -c 'SHOW server_version'), cores: $(nproc)," \
    "load average at start: $(load)"
order=("${upgrades[@]}")
for ((i = 0; i < noop_repeat; i++)); do order+=("${noops[@]}"); done
for ((round = 0; round < rounds; round++)); do
    n=${#order[@]}
    for ((i = 0; i < n; i++)); do
        time_one "${order[$(((i + round) % n))]}"
    done
    printf '.' >&2
done
echo >&2

# stats NAME: "median p10 p25 p75 max" in milliseconds (nearest-rank percentiles).
stats() {
    sort -n "$work/$1.us" | awk '{ v[NR] = $1 / 1000 }
        function q(p,  i) { i = int(p * (NR - 1) + 0.5) + 1; return v[i] }
        END { printf "%.2f %.2f %.2f %.2f %.2f\n", q(0.5), q(0.1), q(0.25), q(0.75), v[NR] }'
}
declare -A median fast
printf '\n%-14s %5s %9s %9s %19s %9s\n' candidate runs "median ms" "p10" "p25 .. p75" "max"
for name in reset "${upgrades[@]}" "${noops[@]}"; do
    read -r med p10 p25 p75 max < <(stats "$name")
    median[$name]=$med
    fast[$name]=$p10
    printf '%-14s %5s %9s %9s %9s .. %-7s %9s\n' "$name" "$(wc -l <"$work/$name.us")" \
        "$med" "$p10" "$p25" "$p75" "$max"
done

# ratio A B: A/B three ways: the ratio of the medians; the median of the ratios of paired
# runs (the Nth run of A with the Nth of B, taken in the same round moments apart, so a slow
# spell on the machine weighs on both); the ratio of the 10th percentiles (the runs that
# others' work disturbed least).
ratio() {
    local paired
    paired=$(paste "$work/$1.us" "$work/$2.us" | awk '{ print $1 / $2 }' | sort -n |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    awk -v a="${median[$1]}" -v b="${median[$2]}" -v p="$paired" \
        -v c="${fast[$1]}" -v d="${fast[$2]}" \
        'BEGIN { printf "%7.2f %7.2f %7.2f", a / b, p, c / d }'
}
cat <<EOF

Upgrades are timed net of the reset before each (its own row); every row is a whole process.
ratio                      medians  paired    p10s
ours / diesel CLI          $(ratio ours diesel)   target <= 1.00 (issue 9; issue 4 asked 1.15)
ours / psql -1 -f          $(ratio ours psql)
diesel CLI / psql -1 -f    $(ratio diesel psql)   the issue measured about 0.67
no-op boot / bare connect  $(ratio boot_embedded bare)   target <= 1.5 (embedded: the service's path)
boot_dir / bare connect    $(ratio boot_dir bare)
cli_noop / bare connect    $(ratio cli_noop bare)
load average at end: $(load)
EOF
