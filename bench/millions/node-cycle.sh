#!/usr/bin/env bash
# The files component's node-side cycle with many small files (issue 19), through the `resilient` launcher with its
# default heap: export (copy + seal), pull (pull + verify + archive store + push), import (verify + copy + check +
# swap). Prints each step's wall time and peak RSS (GNU time), and fails if a step fails.
#
#   bench/millions/node-cycle.sh [--files N] [--per-dir M] [--dir DIR] [--resilient PATH]
#
#   --files N        small files in the source tree (default 200000)
#   --per-dir M      files per directory (default 1000)
#   --dir DIR        work directory (default: a new one under /dev/shm, else /tmp; removed at the end unless --keep)
#   --resilient P    the command to run (default: the repository's ./resilient, which builds the distribution)
#   --keep           keep the work directory
# The tree is made once (1 byte to 64 bytes per file); the work directory holds the three nodes' directories.
# Indicative only on a shared machine: say the load (printed) with the numbers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
files=200000 per_dir=1000 dir="" resilient="$here/resilient" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --per-dir) per_dir="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --resilient) resilient="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "node-cycle.sh: unknown argument $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "node-cycle.sh: GNU time is needed (apt-get install time)" >&2; exit 2; }
if [ -z "$dir" ]; then
  base=/tmp; [ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
  dir="$(mktemp -d "$base/node-cycle.XXXXXX")"
fi
[ "$keep" = 1 ] || trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{source,db0,pbs,db1}
# Warm the launcher (a first run may build the distribution and its class-data archive) before timing anything.
"$resilient" --version >/dev/null

echo "making $files files, $per_dir per directory, in $dir/source" >&2
python3 - "$dir/source" "$files" "$per_dir" <<'PY'
import os, sys
root, n, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    d = os.path.join(root, "d%05d" % (i // per))
    if i % per == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%07d.txt" % i), "wb") as f:
        f.write(b"x" * (1 + i % 64))
PY

config() { # config NAME ROLE KEY=VALUE...: writes $dir/NAME.properties, the node's directory being $dir/NAME
  local name="$1" role="$2"; shift 2
  printf '%s\n' "node.name=$name" "node.role=$role" "node.dir=$dir/$name" "$@" > "$dir/$name.properties"
}
config db0 export node.component=files "files.source=$dir/source" "export.notify=file:$dir/pbs"
config pbs pull-backup "pbs.source=file:$dir/db0" "pbs.targets=file:$dir/db1" "pbs.archive=dir:$dir/pbs/archive"
config db1 import node.component=files "files.target=$dir/standby" "files.source=$dir/standby"

step() { # step NAME COMMAND...: runs it under GNU time, prints "NAME  seconds  peak-RSS-MB"
  local name="$1"; shift
  local t; t="$(mktemp)"
  if ! /usr/bin/time -f '%e %M' -o "$t" "$@" >"$dir/$name.out" 2>&1; then
    echo "node-cycle.sh: step $name failed (exit $?):" >&2; tail -20 "$dir/$name.out" >&2; rm -f "$t"; exit 1
  fi
  read -r secs kb < <(tail -1 "$t"); rm -f "$t"
  printf '%-8s %8.1f s %8.0f MB\n' "$name" "$secs" "$((kb / 1024))"
}
echo "files=$files per-dir=$per_dir load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc) heap: launcher default"
step export "$resilient" export --config "$dir/db0.properties"
step pull "$resilient" pull --config "$dir/pbs.properties"
step import "$resilient" import --config "$dir/db1.properties"
got="$(find "$dir/standby" -type f | wc -l)"
[ "$got" = "$files" ] || { echo "node-cycle.sh: the standby holds $got files, expected $files" >&2; exit 1; }
echo "standby holds all $files files"
