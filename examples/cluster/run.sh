#!/usr/bin/env bash
# Starts a four-node cluster of the 'files' component on this machine, each node a separate 'resilient node'
# process talking to the others over https (mutual TLS) on free loopback ports:
#   export (the leader) -> pbs (pull-backup, with the archive) -> import1, import2 (standbys)
# Usage: examples/cluster/run.sh DIR      (stop it with examples/cluster/stop.sh DIR)
# In DIR: keys/, export.properties, pbs.properties, import1.properties, import2.properties, the node directories
# (nodes/node0, nodes/node-pbs, nodes/node1, nodes/node2), the live data (live/, backed up) and the standbys
# (standby/node1, standby/node2); the pid files export.pid, pbs.pid, import1.pid, import2.pid; each node's output in
# DIR/<role>.log (export.log, ...) and its log files in nodes/<name>/log/.
# It returns once every node listens. Scripts outside this repository rely on these names.
# Failover is automatic (embedded coordinator in DIR/nodes/coordination): kill -9 $(cat DIR/export.pid) and one
# import node takes over; see examples/cluster/README.md.
#   RESILIENT        the resilient command to run (default: ./resilient of this source tree, which builds it first)
#   EXPORT_INTERVAL  the leader's export.interval (default 60m; it exports once at start in any case)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
resilient="${RESILIENT:-$here/../../resilient}"
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
dir="$(cd "$1" && pwd)"
for role in export pbs import1 import2; do
  if [ -f "$dir/$role.pid" ] && kill -0 "$(cat "$dir/$role.pid")" 2>/dev/null; then
    echo "run.sh: node $role already runs (pid $(cat "$dir/$role.pid")); stop it first: $here/stop.sh $dir" >&2; exit 4
  fi
done
[ -e "$dir/export.properties" ] && { echo "run.sh: $dir holds a cluster already; use another DIR or remove it" >&2; exit 2; }

mkdir -p "$dir/live" "$dir/standby"
[ -n "$(ls -A "$dir/live")" ] || echo "hello from the leader" > "$dir/live/hello.txt"

# node0 leads, node1 and node2 import, node-pbs pulls for both (one shared pull-backup node). The embedded
# coordinator (DIR/nodes/coordination, this machine only) makes failover automatic: kill -9 the leader and the best
# standby takes over by itself within seconds; the old leader, started again, comes back as a standby.
"$resilient" replicate node 3 --shared-pbs --https --metrics --coordinator embedded --dir "$dir/nodes" \
  --configs "$dir/configs" \
  --set "export.interval=${EXPORT_INTERVAL:-60m}" \
  --export-set "files.source=$dir/live" --export-set "files.target=$dir/live" \
  --import-set "files.target=$dir/standby/\${node}" --import-set "files.source=$dir/standby/\${node}" >/dev/null
mv "$dir/configs/keys" "$dir/keys"
declare -A file=([export]=node0 [pbs]=node-pbs [import1]=node1 [import2]=node2)
for role in export pbs import1 import2; do
  sed "s|$dir/configs/keys|$dir/keys|g" "$dir/configs/${file[$role]}.properties" > "$dir/$role.properties"
  chmod 600 "$dir/$role.properties"
done
rm -rf "$dir/configs"

start() {
  nohup "$resilient" node --config "$dir/$1.properties" >"$dir/$1.log" 2>&1 &
  echo $! > "$dir/$1.pid"
}
listen() { sed -n 's|^node.listen=||p' "$dir/$1.properties" | sed 's|\\||g'; }
await() { # waits until the node of role $1 listens, or fails the whole start
  local role="$1" hp host port
  hp="$(listen "$role")"; host="${hp%:*}"; port="${hp##*:}"
  for _ in $(seq 600); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then break; fi
    if ! kill -0 "$(cat "$dir/$role.pid")" 2>/dev/null; then
      echo "run.sh: node $role exited; its log ($dir/$role.log):" >&2; tail -20 "$dir/$role.log" >&2
      "$here/stop.sh" "$dir" >/dev/null 2>&1 || true; exit 1
    fi
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null || { echo "run.sh: node $role does not listen on $hp" >&2; exit 1; }
  echo "$role listens on https://$hp (pid $(cat "$dir/$role.pid"), config $dir/$role.properties)"
}

# The receiving nodes first: the leader exports at once when it starts, and its first announcement should find its
# pull-backup node listening (it would be announced again by itself anyway).
for role in pbs import1 import2; do start "$role"; done
for role in pbs import1 import2; do await "$role"; done
start export
await export
