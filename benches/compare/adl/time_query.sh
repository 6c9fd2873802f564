#!/usr/bin/env bash
# Median in-process time of one ADL query over fresh `hadron sql -f` processes (the "hadron in-process" column
# of run.py: the sum of the statements' own times that `\timing on` prints — SETs, CREATE EXTERNAL TABLE, query).
# For A/B comparisons of two builds: run both alternately on the same warm page cache.
#
#   benches/compare/adl/time_query.sh QUERY.sql [RUNS=5] [HADRON=~/.cache/hadron/rel-target/release/hadron]
#   e.g. benches/compare/adl/time_query.sh benches/compare/adl/queries/q4.sql 7 /tmp/hadron-before
# Input: ~/.cache/hadron/adl/adl-1000000.root (made by run.py / make_input.py); 2 threads, as run.py --threads 2.
set -euo pipefail
query=$1
runs=${2:-5}
hadron=${3:-$HOME/.cache/hadron/rel-target/release/hadron}
input=${ADL_INPUT:-$HOME/.cache/hadron/adl/adl-1000000.root}
script=$(mktemp --suffix=.sql)
trap 'rm -f "$script"' EXIT
{
    echo '\timing on'
    echo 'SET datafusion.execution.target_partitions = 2;'
    echo 'SET datafusion.sql_parser.enable_ident_normalization = false;'
    echo "CREATE EXTERNAL TABLE events STORED AS ROOT LOCATION '$input' OPTIONS ('tree' 'Events');"
    grep -v '^--' "$query" | sed 's/;[[:space:]]*$//'
    echo ';'
} >"$script"
for _ in $(seq "$runs"); do
    RAYON_NUM_THREADS=2 TOKIO_WORKER_THREADS=2 "$hadron" sql -f "$script" --format csv 2>&1 >/dev/null |
        awk '/^Time: / { s += $2 } END { printf "%.4f\n", s }'
done | sort -n | awk -v q="$query" '{ t[NR] = $1 } END { printf "%s: median of %d runs %s s\n", q, NR, t[int((NR + 1) / 2)] }'
