#!/usr/bin/env bash
# Benchmark of resilient's dir archive against restic and borg on database-dump-like data.
#
# usage: bench/archive/run.sh [--scale S] [--gens N] [--rounds R] [--workloads "typical adversarial"] [--skip-4g]
#   --scale 1.2   size of the dump (1.2 = about 1 GiB; see GenDump.java)
#   --gens 10     incremental generations (fresh dumps) after the first
#   --rounds 3    first ingests and restores measured per tool (alternating tools; the table shows medians)
# env: WORK (repos, restores; default /tmp/resilient-bench-archive), DATA (the dump; default on /dev/shm),
#      RESILIENT_JAVA_OPTS (JVM options of the resilient command; default: the launcher's own)
# needs: Java 17 and Maven (it builds the resilient command), restic, borg (borgbackup) and GNU time; a missing
#      tool is installed with apt-get when run as root, else the script says what to install and stops.
#
# For each workload it generates generation 0 of the dump, stores it with resilient, restic and borg, then writes
# N fresh dumps (every file rewritten) and stores each with the three tools, then restores the last generation with
# each tool (checked byte for byte with diff -r), then prunes each archive to its last 5 generations (resilient's
# is verified with --read-data afterwards). All three run in the same loop, on the same data, one after the other,
# so machine load affects them alike. Peak RSS comes from /usr/bin/time -v.
# The first ingest and the restore are single runs of a few seconds, where a burst of load from another tenant of
# the machine shows as a different ratio from run to run, so both are measured R times, the tools alternating
# within each round (the first ingest again into fresh repositories, each restore checked with diff -r), and the
# table reports the medians; every run is printed.
# resilient runs as `resilient archive ...` through the ./resilient launcher, as a user runs it (launcher.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCALE=1.2
GENS=10
ROUNDS=3
WORKLOADS="typical adversarial"
SKIP4G=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --gens) GENS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --skip-4g) SKIP4G=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-/tmp/resilient-bench-archive}
if [ -z "${DATA:-}" ]; then
  if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2{print $4}')" -gt 6000000 ]; then
    DATA=/dev/shm/resilient-bench-data
  else
    DATA=$WORK/data
  fi
fi

. "$ROOT/bench/need.sh"  # need COMMAND PACKAGE: the tool, or apt-get install PACKAGE as root, or a clear stop
need restic restic
need borg borgbackup
[ -x /usr/bin/time ] || need /usr/bin/time time

mkdir -p "$WORK"
. "$ROOT/bench/archive/launcher.sh"  # builds the resilient command; sets RES (`resilient archive`) and RES_JVM
GEN="java -Xmx1g $ROOT/bench/archive/GenDump.java"

export RESTIC_PASSWORD=bench
export BORG_PASSPHRASE=
export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes

# measure NAME CMD...: runs CMD, appends "NAME seconds maxrss_kb cpu_seconds" to $RESULTS; stdout to $WORK/last.out
measure() {
  local name=$1; shift
  sync
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "$@" > "$WORK/last.out" 2>> "$WORK/log.txt" || {
    echo "FAILED: $name: $*" >&2; tail -20 "$WORK/log.txt" >&2; exit 1; }
  echo "$name $(awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }' "$WORK/time.txt")" >> "$RESULTS"
}

# ingest_rounds R: rounds 2..ROUNDS of the first ingest: generation 0 (in $DATA) stored again by each tool in
# turn, into fresh repositories removed afterwards (round 1 is the store of generation 0 into the kept ones).
ingest_rounds() {
  local R=$1 r
  for r in $(seq 2 "$ROUNDS"); do
    rm -rf "$R/again"; mkdir -p "$R/again"
    $RES init --repo "$R/again/resilient" > /dev/null 2>> "$WORK/log.txt"
    measure "resilient-ingest$r" $RES store "$DATA" --repo "$R/again/resilient"
    restic -r "$R/again/restic" --cache-dir "$R/again/restic-cache" init -q > /dev/null
    measure "restic-ingest$r" restic -r "$R/again/restic" --cache-dir "$R/again/restic-cache" backup -q \
      --host bench "$DATA"
    BORG_BASE_DIR=$R/again/borg-base borg init -e none "$R/again/borg"
    measure "borg-ingest$r" env BORG_BASE_DIR="$R/again/borg-base" borg create "$R/again/borg::gen0" "$DATA"
    echo "  first ingest, round $r of $ROUNDS" >&2
  done
  rm -rf "$R/again"
}

run_workload() {
  local wl=$1
  RESULTS=$WORK/results-$wl.txt
  : > "$RESULTS"
  rm -rf "$WORK/$wl"; mkdir -p "$WORK/$wl"
  local R=$WORK/$wl
  $RES init --repo "$R/resilient" > /dev/null 2>> "$WORK/log.txt"
  restic -r "$R/restic" --cache-dir "$R/restic-cache" init -q > /dev/null
  BORG_BASE_DIR=$R/borg-base borg init -e none "$R/borg"
  local last_gen=""
  for g in $(seq 0 "$GENS"); do
    rm -rf "$DATA"
    $GEN "$DATA" "$wl" "$g" "$SCALE" 2>> "$WORK/log.txt"
    local bytes
    bytes=$(du -sb "$DATA" | cut -f1)
    echo "bytes$g $bytes 0" >> "$RESULTS"
    measure "resilient-store$g" $RES store "$DATA" --repo "$R/resilient"
    last_gen=$(tail -1 "$WORK/last.out")
    measure "restic-store$g" restic -r "$R/restic" --cache-dir "$R/restic-cache" backup -q --host bench "$DATA"
    measure "borg-store$g" env BORG_BASE_DIR="$R/borg-base" borg create "$R/borg::gen$g" "$DATA"
    echo "  $wl generation $g stored ($bytes bytes)" >&2
    if [ "$g" = 0 ]; then
      ingest_rounds "$R"
    fi
  done
  for t in resilient restic borg; do
    echo "size-$t $(du -sb "$R/$t" | cut -f1) 0" >> "$RESULTS"
  done
  for r in $(seq "$ROUNDS"); do
    rm -rf "$R/out-resilient" "$R/out-restic" "$R/out-borg"
    measure "restore-resilient-$r" $RES restore "$last_gen" "$R/out-resilient" --repo "$R/resilient"
    measure "restore-restic-$r" restic -r "$R/restic" --cache-dir "$R/restic-cache" restore latest \
      --target "$R/out-restic" -q
    mkdir -p "$R/out-borg"
    measure "restore-borg-$r" sh -c "cd '$R/out-borg' && BORG_BASE_DIR='$R/borg-base' borg extract '$R/borg::gen$GENS'"
    diff -r "$DATA" "$R/out-resilient" > /dev/null || { echo "resilient restore differs!" >&2; exit 1; }
    diff -r "$DATA" "$R/out-restic$DATA" > /dev/null || { echo "restic restore differs!" >&2; exit 1; }
    diff -r "$DATA" "$R/out-borg$DATA" > /dev/null || { echo "borg restore differs!" >&2; exit 1; }
  done
  rm -rf "$R/out-resilient" "$R/out-restic" "$R/out-borg"
  # Retention: keep the last 5 generations and give the space back (borg 1.2 needs compact for that).
  measure prune-resilient $RES prune --keep-last 5 --keep-within 0s --repo "$R/resilient"
  measure prune-restic restic -r "$R/restic" --cache-dir "$R/restic-cache" forget -q --keep-last 5 --prune
  measure prune-borg sh -c "BORG_BASE_DIR='$R/borg-base' borg prune --keep-last 5 '$R/borg' && BORG_BASE_DIR='$R/borg-base' borg compact '$R/borg'"
  for t in resilient restic borg; do
    echo "pruned-$t $(du -sb "$R/$t" | cut -f1) 0" >> "$RESULTS"
  done
  $RES verify --read-data --repo "$R/resilient" > /dev/null 2>> "$WORK/log.txt" || { echo "verify after prune failed!" >&2; exit 1; }
  table "$wl" "$RESULTS"
}

table() {
  awk -v wl="$1" -v gens="$GENS" -v rounds="$ROUNDS" '
    function median(list,   n, x, i, j, t) { n = split(list, x, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
      if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }; return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
    { v[$1] = $2; m[$1] = $3; c[$1] = $4 }
    END {
      split("resilient restic borg", t, " ")
      for (i = 1; i <= 3; i++) {
        n = t[i]
        it = " " v[n "-store0"]; ic = c[n "-store0"]; rt = ""; rc = ""
        for (r = 2; r <= rounds; r++) { it = it " " v[n "-ingest" r]; ic = ic " " c[n "-ingest" r] }
        for (r = 1; r <= rounds; r++) { rt = rt " " v["restore-" n "-" r]; rc = rc " " c["restore-" n "-" r] }
        ingestruns[n] = it; restoreruns[n] = rt
        ingest[n] = v["bytes0"] / 1e6 / median(it)
        s = 0; sc = 0; for (g = 1; g <= gens; g++) { s += v[n "-store" g]; sc += c[n "-store" g] }
        incr[n] = s / gens
        incrcpu[n] = sc / gens
        ingestcpu[n] = median(ic)
        restorecpu[n] = median(rc)
        size[n] = v["size-" n]
        restore[n] = v["bytes" gens] / 1e6 / median(rt)
        rss = 0
        for (k in m) if (index(k, n "-store") == 1 || index(k, n "-ingest") == 1 || index(k, "restore-" n "-") == 1 \
          || k == "prune-" n) if (m[k] > rss) rss = m[k]
        peak[n] = rss / 1024
        prune[n] = v["prune-" n]
        pruned[n] = v["pruned-" n]
      }
      printf "\nworkload: %s (%.0f MB first dump, %d fresh-dump generations; ingest and restore: median of %d rounds)\n", wl, v["bytes0"] / 1e6, gens, rounds
      printf "%-34s %12s %12s %12s %10s %10s\n", "metric", "resilient", "restic", "borg", "res/restic", "borg/restic"
      row("first ingest (MB/s, median)", ingest, "%12.1f")
      row("  first ingest CPU (user+sys s)", ingestcpu, "%12.2f")
      row("incremental store (s, mean)", incr, "%12.2f")
      row("  incremental CPU (user+sys s)", incrcpu, "%12.2f")
      row("archive bytes after all gens", size, "%12d")
      row("restore of last gen (MB/s, median)", restore, "%12.1f")
      row("  restore CPU (user+sys s)", restorecpu, "%12.2f")
      row("peak RSS (MB)", peak, "%12.0f")
      row("prune to last 5 (s)", prune, "%12.2f")
      row("archive bytes after prune", pruned, "%12d")
      printf "first ingest, each run (s):"; for (i = 1; i <= 3; i++) printf " %s%s;", t[i], ingestruns[t[i]]; printf "\n"
      printf "restore, each run (s):"; for (i = 1; i <= 3; i++) printf " %s%s;", t[i], restoreruns[t[i]]; printf "\n"
      printf "speed ratios per round (resilient to restic / to borg): ingest"
      for (r = 1; r <= rounds; r++) { split(ingestruns["resilient"], a, " "); split(ingestruns["restic"], b, " ")
        split(ingestruns["borg"], d, " "); printf " %.2f/%.2f", b[r] / a[r], d[r] / a[r] }
      printf "; restore"
      for (r = 1; r <= rounds; r++) { split(restoreruns["resilient"], a, " "); split(restoreruns["restic"], b, " ")
        printf " %.2f", b[r] / a[r] }
      printf "\n"
    }
    function row(name, a, f) {
      printf "%-34s " f " " f " " f " %10.2f %10.2f\n", name, a["resilient"], a["restic"], a["borg"],
        a["resilient"] / a["restic"], a["borg"] / a["restic"]
    }' "$2" | tee -a "$WORK/tables.txt"
}

: > "$WORK/log.txt"
: > "$WORK/tables.txt"
echo "work dir $WORK, data $DATA, scale $SCALE, $GENS generations; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee -a "$WORK/tables.txt"
echo "restic: $(restic version | head -1); borg: $(borg --version); java: $(java -version 2>&1 | head -1)" \
  | tee -a "$WORK/tables.txt"
echo "resilient: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown commit), JVM options $RES_JVM" \
  | tee -a "$WORK/tables.txt"
for wl in $WORKLOADS; do
  run_workload "$wl"
done

if [ "$SKIP4G" = 0 ]; then
  # Memory must not grow with the data: store 4x the data into a fresh archive, compare peak RSS. A JVM's peak RSS
  # depends on when its collections happen (a copying collector leaves both copies' pages resident), so each size
  # is stored MEMRUNS times, alternating, and the medians are compared.
  MEMRUNS=${MEMRUNS:-3}
  RESULTS=$WORK/results-4g.txt
  : > "$RESULTS"
  BIG=$(awk -v s="$SCALE" 'BEGIN { print s * 4 }')
  for s in "$SCALE" "$BIG"; do
    rm -rf "$DATA-$s"
    $GEN "$DATA-$s" typical 0 "$s" 2>> "$WORK/log.txt"
    echo "bytes-$s $(du -sb "$DATA-$s" | cut -f1) 0" >> "$RESULTS"
  done
  for r in $(seq "$MEMRUNS"); do
    for s in "$SCALE" "$BIG"; do
      rm -rf "$WORK/mem-repo"
      measure "store-$s" $RES store "$DATA-$s" --repo "$WORK/mem-repo"
    done
  done
  awk -v a="$SCALE" -v b="$BIG" '
    function median(list,   n, x, i, j, t) { n = split(list, x, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
      if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }; return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
    /^bytes-/ { v[$1] = $2; next } { m[$1] = m[$1] " " int($3 / 1024 + 0.5) }
    END { ma = median(m["store-" a]); mb = median(m["store-" b])
      printf "\nmemory: peak RSS (median of %d) storing %.0f MB: %.0f MB; storing %.0f MB: %.0f MB; ratio %.2f (target <= 1.2)\n",
        split(m["store-" a], t, " "), v["bytes-" a] / 1e6, ma, v["bytes-" b] / 1e6, mb, mb / ma
      printf "  each run, MB: %s: %s; %s: %s\n", a, m["store-" a], b, m["store-" b] }' \
    "$RESULTS" | tee -a "$WORK/tables.txt"
  rm -rf "$WORK/mem-repo" "$DATA-$SCALE" "$DATA-$BIG"
fi
rm -rf "$DATA"
echo "tables saved in $WORK/tables.txt" >&2
