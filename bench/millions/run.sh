#!/usr/bin/env bash
# Millions of small files: resilient's dir archive against restic and borg (issue 19).
#
# usage: bench/millions/run.sh [--files "200000 1000000"] [--per-dir 1000] [--rounds 3] [--skip-diff]
#   --files    tree sizes to run, in files (each a separate table)
#   --per-dir  files per directory (the tree is d000000/f0000000 ...)
#   --rounds   rounds per size; every round starts from fresh repositories, and the table shows medians
#   --skip-diff  do not compare each restore with the source (diff -r takes minutes at a million files)
# env: WORK (tree, repositories, restores; default /dev/shm/resilient-bench-millions: tmpfs, so the disk does not
#      decide), RESILIENT_JAVA_OPTS (JVM options of the resilient command; default: the launcher's own)
# needs: Java 17 and Maven (it builds the resilient command, from a fresh clone too), python3, restic, borg
#      (borgbackup) and GNU time; a missing tool is installed with apt-get when run as root.
#
# Each round, for each tool in turn (same tree, same machine state): a first store, a store of the unchanged tree,
# a store after one directory's files were all rewritten (new content, same names), and a restore of that last
# generation (compared with the tree by diff -r unless --skip-diff). The changed directory is put back before the
# next tool. Wall time and peak RSS of every command come from /usr/bin/time; every run is printed, and the table
# shows the medians. restic (0.14: zstd auto) and borg (1.2: lz4, no encryption) keep their caches under $WORK, so
# a round starts cold for every tool alike. resilient runs as `resilient archive ...` through the launcher, as a
# user runs it (bench/archive/launcher.sh builds it and copies the distribution out of the worktree).
#
# Measured on a busy machine, the figures are indicative only: run it on a quiet one for numbers to quote.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZES="200000 1000000"
PER_DIR=1000
ROUNDS=3
DIFF=1
while [ $# -gt 0 ]; do
  case "$1" in
    --files) SIZES=$2; shift 2 ;;
    --per-dir) PER_DIR=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --skip-diff) DIFF=0; shift ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-/dev/shm/resilient-bench-millions}

. "$ROOT/bench/need.sh"  # need COMMAND PACKAGE: the tool, or apt-get install PACKAGE as root, or a clear stop
need restic restic
need borg borgbackup
need python3 python3
[ -x /usr/bin/time ] || need /usr/bin/time time

mkdir -p "$WORK"
. "$ROOT/bench/archive/launcher.sh"  # builds the resilient command; sets RES (`resilient archive`) and RES_JVM
export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR=$WORK/cache/restic
export BORG_PASSPHRASE= BORG_BASE_DIR=$WORK/cache/borg
export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
GEN="python3 $ROOT/bench/millions/gen.py"
SRC=$WORK/src

# measure NAME CMD...: runs CMD (from $SRC's parent), appends "NAME seconds maxrss_kb" to $RESULTS
measure() {
  local name=$1; shift
  sync
  (cd "$WORK" && /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@") > "$WORK/last.out" 2>> "$WORK/log.txt" || {
    echo "FAILED: $name: $*" >&2; tail -20 "$WORK/log.txt" >&2; exit 1; }
  local line; line="$name $(cat "$WORK/time.txt")"
  echo "$line" >> "$RESULTS"
  echo "  $line" >&2
}

restored() {  # restored DIR: compares a restore with the tree
  [ "$DIFF" = 1 ] || return 0
  diff -rq "$SRC" "$1" > /dev/null || { echo "FAILED: the restore in $1 differs from $SRC" >&2; exit 1; }
}

round() {  # round TOOL N: the four steps of one tool
  local tool=$1 n=$2 repo=$WORK/repo-$1 out=$WORK/out-$1
  rm -rf "$repo" "$out" "$WORK/cache"
  case $tool in
    resilient)
      $RES init --repo "$repo" > /dev/null
      measure "$tool first" $RES store --repo "$repo" src
      measure "$tool unchanged" $RES store --repo "$repo" src
      $GEN "$SRC" "$n" "$PER_DIR" --only-dir 1 --variant 1
      measure "$tool one-dir" $RES store --repo "$repo" src
      measure "$tool restore" $RES restore --repo "$repo" latest "$out"
      restored "$out" ;;
    restic)
      restic init -q -r "$repo"
      measure "$tool first" restic -q -r "$repo" backup src
      measure "$tool unchanged" restic -q -r "$repo" backup src
      $GEN "$SRC" "$n" "$PER_DIR" --only-dir 1 --variant 1
      measure "$tool one-dir" restic -q -r "$repo" backup src
      measure "$tool restore" restic -q -r "$repo" restore latest --target "$out"
      restored "$out/src" ;;
    borg)
      borg init -e none "$repo"
      measure "$tool first" borg create "$repo::g1" src
      measure "$tool unchanged" borg create "$repo::g2" src
      $GEN "$SRC" "$n" "$PER_DIR" --only-dir 1 --variant 1
      measure "$tool one-dir" borg create "$repo::g3" src
      mkdir -p "$out"
      measure "$tool restore" sh -c "cd '$out' && borg extract '$repo::g3'"
      restored "$out/src" ;;
  esac
  rm -rf "$repo" "$out"
  $GEN "$SRC" "$n" "$PER_DIR" --only-dir 1 --variant 0  # the changed directory back, for the next tool
}

# median of the values of field F for NAME in $RESULTS
median() {
  awk -v n="$1" -v f="$2" '$1" "$2 == n { print $f }' "$RESULTS" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for n in $SIZES; do
  RESULTS=$WORK/results-$n.txt
  : > "$RESULTS"
  echo "== $n files, $PER_DIR per directory, $ROUNDS rounds" >&2
  rm -rf "$SRC"
  $GEN "$SRC" "$n" "$PER_DIR"
  sleep 3  # resilient's files cache does not trust a change time less than 2 s old (see resilient-archive/README.md)
  for r in $(seq "$ROUNDS"); do
    for tool in resilient restic borg; do
      echo "round $r: $tool" >&2
      round "$tool" "$n"
      sleep 3  # the put-back directory settles, as above
    done
  done
  {
    echo
    echo "### $n files ($PER_DIR per directory, $(du -sm --apparent-size "$SRC" | cut -f1) MB), medians of $ROUNDS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| step | resilient s | restic s | borg s | resilient MB | restic MB | borg MB |"
    echo "|---|---|---|---|---|---|---|"
    for step in first unchanged one-dir restore; do
      printf "| %s | %s | %s | %s | %s | %s | %s |\n" "$step" \
        "$(median "resilient $step" 3)" "$(median "restic $step" 3)" "$(median "borg $step" 3)" \
        "$(median "resilient $step" 4 | awk '{ printf ($1 == "-") ? "-" : "%.0f", $1 / 1024 }')" \
        "$(median "restic $step" 4 | awk '{ printf ($1 == "-") ? "-" : "%.0f", $1 / 1024 }')" \
        "$(median "borg $step" 4 | awk '{ printf ($1 == "-") ? "-" : "%.0f", $1 / 1024 }')"
    done
    echo
    echo "resilient JVM options: $RES_JVM"
  } | tee -a "$WORK/table.md"
  rm -rf "$SRC"
done
