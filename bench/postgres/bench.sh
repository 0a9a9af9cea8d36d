#!/bin/sh
# Benchmark of issue 18: a pgbench database moved between two throwaway PostgreSQL servers with the raw tools
# (pg_dump -Fd -j2 + pg_restore -j2, at their defaults and with -Z0) and through three real resilient nodes (leader,
# pull-backup node with the dir archive, standby), alternating, medians; every standby checked equal to the source.
#
# usage: bench/postgres/bench.sh [scale=50] [rounds=3]     (run from anywhere; builds with maven, offline
# if RESILIENT_MVN_OFFLINE=1; needs Debian's postgresql 15 and, as root, the postgres user)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scale=${1:-50}
rounds=${2:-3}
offline=""
[ "${RESILIENT_MVN_OFFLINE:-0}" = 1 ] && offline="-o"
cd "$root"
# compile the modules (never install) and write the test classpath of resilient-postgres, which holds
# testservers (PostgresServer), the component and an slf4j binding; core (the nodes) is compiled with them
# (and of resilient-archive, the deduplicating archive, used when it has landed)
mvn -B -q $offline -pl resilient-core,resilient-postgres,resilient-archive -am compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="$root/resilient-postgres/target/classes:$(cat "$root/resilient-postgres/target/bench-classpath.txt")"
cp="$cp:$(cat "$root/resilient-archive/target/bench-classpath.txt"):$(cat "$root/resilient-core/target/bench-classpath.txt")"
# the reactor's own modules resolve to their target/classes only inside maven: put them in explicitly
for m in api support process core archive testkit testservers; do cp="$root/resilient-$m/target/classes:$cp"; done
# the nodes' own step logs, with times, on stderr: they split export into dump and seal (exporting / published),
# import into verify and restore (importing), and the import into pg_restore, checks and swap
logs="-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
for l in pg0.export pg1-pbs.pull-backup pg1.import; do logs="$logs -Dorg.slf4j.simpleLogger.log.org.resilient.node.$l=info"; done
# BENCH_CPU_LOAD=n: n busy processes (nice 0, one shell loop each) run during the whole bench, for the issue's
# "under a parallel CPU load" figures; they are stopped when the bench ends, however it ends
spinners=""
trap 'for p in $spinners; do kill "$p" 2>/dev/null || true; done' EXIT INT TERM
i=0
while [ "$i" -lt "${BENCH_CPU_LOAD:-0}" ]; do
    sh -c 'while :; do :; done' &
    spinners="$spinners $!"
    i=$((i + 1))
done
[ -n "$spinners" ] && echo "parallel CPU load: ${BENCH_CPU_LOAD} busy processes" >&2
# shellcheck disable=SC2086
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn $logs -cp "$cp" "$here/PgCycleBench.java" "$scale" "$rounds"
