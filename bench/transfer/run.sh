#!/usr/bin/env bash
# Pull of one backup between two https nodes on loopback (mutual TLS 1.3, verified against the manifest as it
# copies) against scp of the same files through OpenSSH on loopback, in alternating rounds of the same run; then a
# pull cancelled at half and resumed. Usage: bench/transfer/run.sh [SIZE_MB (default 1024)] [ROUNDS (default 3)]
# Needs a JDK 17 + Maven and the Debian package openssh-server (sshd is started by this script on a free port).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SIZE_MB="${1:-1024}"
ROUNDS="${2:-3}"
FILES=8
SSHD="$(command -v sshd || echo /usr/sbin/sshd)"
[ -x "$SSHD" ] || { echo "bench/transfer: sshd is missing: apt-get install openssh-server" >&2; exit 2; }
WORK="$(mktemp -d /tmp/resilient-transfer-bench.XXXXXX)"
SSHD_PID=""
cleanup() { [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "== building (reactor: the https transport and what it needs)" >&2
(cd "$ROOT" && mvn -B -q -DskipTests -pl resilient-https,resilient-core -am package dependency:build-classpath \
   -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime >/dev/null)
CP="$ROOT/resilient-https/target/classes:$ROOT/resilient-core/target/classes:$ROOT/resilient-api/target/classes:$(cat "$WORK/cp.txt")"

# A throwaway sshd on a free loopback port, with its own host key and one authorized key.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
mkdir -p "$WORK/ssh" /run/sshd 2>/dev/null || true
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/host"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/client"
cp "$WORK/ssh/client.pub" "$WORK/ssh/authorized_keys"
cat > "$WORK/ssh/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/ssh/host
AuthorizedKeysFile $WORK/ssh/authorized_keys
PidFile $WORK/ssh/pid
UsePAM no
StrictModes no
PasswordAuthentication no
Subsystem sftp internal-sftp
CFG
"$SSHD" -f "$WORK/ssh/sshd_config" -D -e 2>"$WORK/ssh/log" &
SSHD_PID=$!
SCP=(scp -q -r -P "$PORT" -i "$WORK/ssh/client" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes)
for _ in $(seq 100); do "${SCP[@]}" "$WORK/ssh/client.pub" "127.0.0.1:$WORK/ssh/probe" 2>/dev/null && break; sleep 0.1; done
[ -f "$WORK/ssh/probe" ] || { echo "sshd did not start:" >&2; cat "$WORK/ssh/log" >&2; exit 1; }

echo "== $SIZE_MB MB in $FILES files, $ROUNDS alternating rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
coproc BENCH { exec java -Xmx256m -cp "$CP" "$ROOT/bench/transfer/TransferBench.java" "$WORK/nodes" "$SIZE_MB" "$FILES" "$ROUNDS"; }
SCP_TIMES=(); SCP_SYNC_TIMES=(); PULL_TIMES=(); RESUME=""
BACKUP=""
while read -r kind a b <&"${BENCH[0]}"; do
  case "$kind" in
    backup) BACKUP="$a" ;;
    warmup) echo "untimed warm-up pull of the fresh JVM: $a s" >&2 ;;
    ready)
      t0=$(date +%s.%N)
      "${SCP[@]}" "127.0.0.1:$BACKUP" "$WORK/scp-$a"
      t1=$(date +%s.%N)
      # Informational only: the same files forced to disk as the pull does (scp does not; the ratio is against scp).
      find "$WORK/scp-$a" -type f -exec sync {} +
      t=$(secs "$t0" "$t1"); ts=$(secs "$t0" "$(date +%s.%N)"); SCP_TIMES+=("$t"); SCP_SYNC_TIMES+=("$ts")
      rm -rf "$WORK/scp-$a"
      echo "round $a: scp $t s (then fsync of its files: $ts s)" >&2
      echo go >&"${BENCH[1]}" ;;
    pull) PULL_TIMES+=("$b"); echo "round $a: https pull $b s" >&2 ;;
    resume) RESUME="$a" ;;
    *) echo "$kind $a $b" >&2 ;;
  esac
done
wait "$BENCH_PID" || { echo "the bench failed" >&2; exit 1; }
ms=$(printf '%s\n' "${SCP_TIMES[@]}" | median); mp=$(printf '%s\n' "${PULL_TIMES[@]}" | median)
mss=$(printf '%s\n' "${SCP_SYNC_TIMES[@]}" | median)
printf '\n| %s MB, medians of %s rounds (s) | scp (OpenSSH) | resilient https pull | throughput vs scp | scp then fsync (info) |\n|---|---:|---:|---:|---:|\n' "$SIZE_MB" "$ROUNDS"
printf '| full transfer | %s | %s | %sx | %s |\n' "$ms" "$mp" "$(awk -v s="$ms" -v p="$mp" 'BEGIN { printf "%.2f", s / p }')" "$mss"
printf '| pull resumed after a cancel at half | - | %s | %s of a full pull | - |\n' "$RESUME" "$(awk -v r="$RESUME" -v p="$mp" 'BEGIN { printf "%.2f", r / p }')"
echo "rounds: scp ${SCP_TIMES[*]} s; scp then fsync ${SCP_SYNC_TIMES[*]} s; pull ${PULL_TIMES[*]} s"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
