#!/usr/bin/env bash
# Restore speed of resilient's dir archive against restic 0.14, side by side: one generation of the dump
# stored in both, then restores alternated ROUNDS times (the machine is shared: compare ratios of the same
# round). Each restore starts with its target removed and `sync`ed, so neither pays the other's writeback.
#
# usage: bench/archive/restore.sh [--scale 1.2] [--rounds 5] [--check]
#   --check   diff every resilient restore against the source
# env: WORK (repos and restores, on disk; default /tmp/resilient-bench-restore), DATA (the dump; default on
#      /dev/shm), JAVA_OPTS (default -Xmx96m -Xmn16m -XX:+UseSerialGC, as in run.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCALE=1.2
ROUNDS=5
CHECK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --check) CHECK=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-/tmp/resilient-bench-restore}
DATA=${DATA:-/dev/shm/resilient-bench-restore-data}
JAVA_OPTS=${JAVA_OPTS:--Xmx96m -Xmn16m -XX:+UseSerialGC}
command -v restic >/dev/null || { echo "restic is needed (apt-get install restic)" >&2; exit 2; }

mkdir -p "$WORK/lib"
(cd "$ROOT" && mvn -B -q -pl resilient-archive -am package -DskipTests)
(cd "$ROOT" && mvn -B -q -pl resilient-archive dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$WORK/cp" >/dev/null)
cp "$ROOT/resilient-archive/target/resilient-archive-0.1.0-SNAPSHOT.jar" \
   "$ROOT/resilient-api/target/resilient-api-0.1.0-SNAPSHOT.jar" \
   "$ROOT/resilient-support/target/resilient-support-0.1.0-SNAPSHOT.jar" "$WORK/lib/"
CP="$WORK/lib/resilient-archive-0.1.0-SNAPSHOT.jar:$WORK/lib/resilient-api-0.1.0-SNAPSHOT.jar:$WORK/lib/resilient-support-0.1.0-SNAPSHOT.jar:$(tr ':' '\n' < "$WORK/cp" | grep -v '/resilient-' | paste -sd:)"
. "$ROOT/bench/archive/cds.sh"  # sets RES: the archive tool with class-data sharing
export RESTIC_PASSWORD=bench

if [ ! -d "$DATA" ]; then
  java -Xmx1g "$ROOT/bench/archive/GenDump.java" "$DATA" typical 0 "$SCALE" >&2
fi
rm -rf "$WORK/res" "$WORK/restic" "$WORK/out" "$WORK/out-restic"
$RES init --repo "$WORK/res" > /dev/null 2>&1
GEN=$($RES store "$DATA" --repo "$WORK/res" 2>/dev/null)
restic -r "$WORK/restic" --cache-dir "$WORK/restic-cache" init -q > /dev/null
restic -r "$WORK/restic" --cache-dir "$WORK/restic-cache" backup -q "$DATA"

clean() { rm -rf "$WORK/out" "$WORK/out-restic"; sync; }
# prints "wall cpu" (cpu = user + sys)
timed() {
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" > /dev/null 2>&1
  awk '{printf "%.2f %.2f", $1, $2 + $3}' "$WORK/time"
}
printf "%-6s %12s %12s %12s %12s %8s\n" round "resilient s" "resil. cpu" "restic s" "restic cpu" ratio
for i in $(seq 1 "$ROUNDS"); do
  clean
  read -r rw rc <<< "$(timed $RES restore "$GEN" "$WORK/out" --repo "$WORK/res")"
  if [ "$CHECK" = 1 ]; then
    diff -r "$DATA" "$WORK/out" > /dev/null || { echo "resilient restore differs!" >&2; exit 1; }
  fi
  clean
  read -r sw sc <<< "$(timed restic -r "$WORK/restic" --cache-dir "$WORK/restic-cache" restore latest \
    --target "$WORK/out-restic" -q)"
  printf "%-6s %12s %12s %12s %12s %8.2f\n" "$i" "$rw" "$rc" "$sw" "$sc" "$(echo "$rw / $sw" | bc -l)"
done
clean
