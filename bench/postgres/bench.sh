#!/bin/sh
# Benchmark of the postgres component (issue 4): a pgbench database moved between two throwaway servers
# with the raw tools (pg_dump -Fd -j2 + pg_restore -j2) and through the resilient cycle
# (export -> seal -> verify -> archive store -> archive restore -> verify -> import), in the same run. Prints a table and the
# ratio (target: cycle <= 1.15 x raw).
#
# usage: bench/postgres/bench.sh [scale=50] [rounds=1]     (run from anywhere; builds with maven, offline
# if RESILIENT_MVN_OFFLINE=1; needs Debian's postgresql 15 and, as root, the postgres user)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scale=${1:-50}
rounds=${2:-1}
offline=""
[ "${RESILIENT_MVN_OFFLINE:-0}" = 1 ] && offline="-o"
cd "$root"
# compile the modules (never install) and write the test classpath of resilient-postgres, which holds
# testservers (PostgresServer), core (sealer, verifier), the component and an slf4j binding
# (and of resilient-archive, the deduplicating archive, used when it has landed)
mvn -B -q $offline -pl resilient-postgres,resilient-archive -am compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="$root/resilient-postgres/target/classes:$(cat "$root/resilient-postgres/target/bench-classpath.txt")"
cp="$cp:$(cat "$root/resilient-archive/target/bench-classpath.txt")"
# the reactor's own modules resolve to their target/classes only inside maven: put them in explicitly
for m in api support process core archive testkit testservers; do cp="$root/resilient-$m/target/classes:$cp"; done
exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" "$here/PgCycleBench.java" "$scale" "$rounds"
