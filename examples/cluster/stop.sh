#!/usr/bin/env bash
# Stops the nodes started by examples/cluster/run.sh DIR: SIGTERM (each node finishes or cleanly abandons its
# current step), then waits up to 60 s for each; removes the pid files of stopped nodes.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir="$1"
status=0
for role in export pbs import1 import2; do
  f="$dir/$role.pid"
  [ -f "$f" ] || continue
  pid="$(cat "$f")"
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop.sh: node $role (pid $pid) did not stop within 60 s; kill it: kill -9 $pid" >&2; status=1; continue
    fi
  fi
  rm -f "$f"
  echo "$role stopped"
done
exit $status
