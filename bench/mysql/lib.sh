# Shared by run.sh and many.sh (sourced, not run): tool checks, the work directory, throwaway MariaDB servers,
# the class path of the modules the benches drive, and small helpers. Expects ROOT to be the repository root.
for tool in java mvn mariadb-install-db mariadb mydumper myloader python3; do
  command -v "$tool" >/dev/null || { echo "$(basename "$0") needs $tool, which is not installed (Debian packages:" \
    "mariadb-server, mydumper, python3, openjdk-17-jdk, maven)" >&2; exit 2; }
done
[ -x /usr/sbin/mariadbd ] || { echo "$(basename "$0") needs /usr/sbin/mariadbd (Debian package mariadb-server)" >&2; exit 2; }
WORK="$(mktemp -d /tmp/resilient-mysql-bench.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() { # name port
  local dir="$WORK/$1"
  mkdir -p "$dir/data" "$dir/tmp"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=root --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1
  /usr/sbin/mariadbd --no-defaults --datadir="$dir/data" --user=root --port="$2" --bind-address=127.0.0.1 \
    --socket="$dir/sock" --tmpdir="$dir/tmp" --pid-file="$dir/pid" --log-error="$dir/error.log" --skip-log-bin \
    --innodb-buffer-pool-size=1G --innodb-log-file-size=512M --innodb-flush-log-at-trx-commit=2 \
    --max-allowed-packet=64M --character-set-server=utf8mb4 >"$dir/out.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 600); do [ -S "$dir/sock" ] && mariadb --no-defaults -S "$dir/sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server $1 did not start; see $dir/error.log" >&2; exit 1
}
# Starts the source (src) and the standby (dst) on free ports.
start_servers() {
  local p1 p2
  p1=$(free_port)
  p2=$(free_port)
  echo "== starting source (:$p1) and standby (:$p2)"
  start_server src "$p1"
  start_server dst "$p2"
}
sql() { mariadb --no-defaults -S "$WORK/$1/sock" -uroot --batch --skip-column-names -e "$2"; }

# Sets CP: the bench seals and verifies with core, which the component's own test class path does not hold, and
# stores into the dedup archive (resilient-archive) when the tree has it (a plain copy stands in otherwise).
build_classpath() {
  local offline=""
  [ "${RESILIENT_MVN_OFFLINE:-0}" = 1 ] && offline="-o"
  echo "== building"
  (cd "$ROOT" && mvn -B -q $offline -pl resilient-mysql,resilient-core -am compile dependency:build-classpath \
     -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null)
  CP="$ROOT/resilient-mysql/target/classes:$(cat "$ROOT/resilient-mysql/target/bench-classpath.txt")"
  CP="$CP:$ROOT/resilient-core/target/classes:$(cat "$ROOT/resilient-core/target/bench-classpath.txt")"
  if [ -d "$ROOT/resilient-archive/src/main/java" ]; then
    (cd "$ROOT" && mvn -B -q $offline -pl resilient-archive -am compile dependency:build-classpath \
       -Dmdep.outputFile="$WORK/cp-archive.txt" -Dmdep.includeScope=runtime >/dev/null)
    CP="$CP:$ROOT/resilient-archive/target/classes:$(cat "$WORK/cp-archive.txt")"
  fi
}

# The full cycle (MysqlBench.java): WORKDIR DATABASES THREADS ROWS_PER_FILE; prints "phase seconds" lines.
full_cycle() {
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.resilient.mysql=info \
    -cp "$CP" "$ROOT/bench/mysql/MysqlBench.java" \
    "$1" "$WORK/src/sock" "$WORK/dst/sock" "$2" "$3" "$4" "$WORK/archive"
}
