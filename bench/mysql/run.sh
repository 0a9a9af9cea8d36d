#!/usr/bin/env bash
# Benchmark of the mysql component: full cycle (export -> seal/verify -> store -> verify -> import) against
# raw mydumper + myloader, between the same two throwaway MariaDB servers, in the same run.
# Usage: bench/mysql/run.sh [SIZE_MB (default 1024)] [THREADS (default 2)]
# Needs the Debian packages mariadb-server and mydumper, python3, and a JDK 17 + Maven (it builds the modules it
# needs with the reactor; RESILIENT_MVN_OFFLINE=1 builds offline).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/mysql/lib.sh"
SIZE_MB="${1:-1024}"
THREADS="${2:-2}"
ROWS_PER_FILE=250000
DB=benchdb
# Dirty pages in the standby's buffer pool (MB): a load must write them back, except that myloader -o drops
# the old tables first and so discards theirs.
# QUIESCE=1 (default): before each timed cycle, let the standby write back its dirty pages (a faster flush rate
# while waiting; not timed), so raw and full cycle both start from the state a standby is in between two
# backups. Without it the full cycle inherits the raw load's last ~350 MB of dirty pages, which it must write
# back while loading, while myloader -o discards its predecessor's by dropping the tables first.
QUIESCE="${QUIESCE:-1}"
quiesce() {
  [ "$QUIESCE" = 1 ] || return 0
  local io pct
  io=$(sql dst "SELECT @@GLOBAL.innodb_io_capacity"); pct=$(sql dst "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
  sql dst "SET GLOBAL innodb_io_capacity = 2000; SET GLOBAL innodb_max_dirty_pages_pct = 0"
  for _ in $(seq 1200); do [ "$(dirty_mb)" -lt 2 ] && break; sleep 0.5; done
  sql dst "SET GLOBAL innodb_max_dirty_pages_pct = $pct; SET GLOBAL innodb_io_capacity = $io"
}
dirty_mb() { sql dst "SELECT ROUND(VARIABLE_VALUE * 16 / 1024) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'"; }

build_classpath
start_servers

# About SIZE_MB of dump: rows of ~200 bytes in two InnoDB tables (one with a secondary index) and a MyISAM one.
ROWS=$(( SIZE_MB * 1024 * 1024 / 200 ))
echo "== generating $DB: $ROWS rows (~${SIZE_MB} MB of dump)"
t=$(now)
sql src "CREATE DATABASE $DB;
CREATE TABLE $DB.events (id BIGINT PRIMARY KEY, user_id INT NOT NULL, kind VARCHAR(16) NOT NULL,
  payload VARCHAR(160) NOT NULL, amount DECIMAL(12,2) NOT NULL, created DATETIME(6) NOT NULL, KEY (user_id)) ENGINE=InnoDB;
CREATE TABLE $DB.notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL) ENGINE=InnoDB;
CREATE TABLE $DB.legacy (id INT PRIMARY KEY, v VARCHAR(64)) ENGINE=MyISAM;"
CHUNK=1000000
for (( lo=1; lo<=ROWS*8/10; lo+=CHUNK )); do
  hi=$(( lo + CHUNK - 1 )); [ $hi -gt $((ROWS*8/10)) ] && hi=$((ROWS*8/10))
  sql src "INSERT INTO $DB.events SELECT seq, seq % 100003, ELT(1 + seq % 4, 'click', 'view', 'buy', 'refund'),
    CONCAT(MD5(seq), ' ', SHA1(seq), ' ', MD5(seq * 7), ' ', REPEAT('x', seq % 20)), (seq % 100000) / 100,
    TIMESTAMPADD(MICROSECOND, seq * 1000, '2024-01-01') FROM mysql.seq_${lo}_to_${hi}"
done
sql src "INSERT INTO $DB.notes SELECT seq, CONCAT(SHA2(seq, 512), ' ', SHA2(seq, 256)) FROM mysql.seq_1_to_$((ROWS*2/10))"
sql src "INSERT INTO $DB.legacy SELECT seq, MD5(seq) FROM mysql.seq_1_to_100000"
echo "   generated in $(secs "$t" "$(now)") s; data+index: $(sql src "SELECT ROUND(SUM(DATA_LENGTH+INDEX_LENGTH)/1048576) FROM information_schema.TABLES WHERE TABLE_SCHEMA='$DB'") MB"

ROUNDS="${ROUNDS:-2}"
echo "== $ROUNDS rounds of raw then full cycle; from round 2 on both replace data the standby already holds,"
echo "   and the full cycle stores into the archive that holds the earlier rounds (as a pull-backup node does)"
RESULTS="$WORK/results.txt"; : > "$RESULTS"
checksums() { sql "$1" "CHECKSUM TABLE $DB.events, $DB.notes, $DB.legacy EXTENDED" | awk '{print $2}' | tr '\n' ' '; }
SRC_SUM=$(checksums src)
for round in $(seq "$ROUNDS"); do
  echo "-- round $round: raw mydumper -t $THREADS -r $ROWS_PER_FILE -G -E -R, then myloader -t $THREADS -o into the standby"
  mkdir -p "$WORK/raw"
  quiesce
  t=$(now)
  mydumper -S "$WORK/src/sock" -u root -o "$WORK/raw/dump" -t "$THREADS" -r "$ROWS_PER_FILE" -B "$DB" -G -E -R -v 1
  RAW_DIRTY=$(dirty_mb)
  t1=$(now)
  myloader -S "$WORK/dst/sock" -u root -d "$WORK/raw/dump" -t "$THREADS" -o -v 1
  t2=$(now)
  DUMP_MB=$(du -sm "$WORK/raw/dump" | cut -f1)
  rm -rf "$WORK/raw"
  [ "$(checksums dst)" = "$SRC_SUM" ] || { echo "raw load: CHECKSUM MISMATCH" >&2; exit 1; }
  echo "-- round $round: full cycle"
  rm -rf "$WORK/full"
  quiesce
  full_cycle "$WORK/full" "$DB" "$THREADS" "$ROWS_PER_FILE" | tee "$WORK/full.txt"
  rm -rf "$WORK/full"
  [ "$(checksums dst)" = "$SRC_SUM" ] || { echo "full cycle: CHECKSUM MISMATCH" >&2; exit 1; }
  get() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/full.txt"; }
  SEALV=$(awk -v a="$(get seal_sha256)" -v b="$(get verify_sha256)" 'BEGIN { printf "%.2f", a + b }')
  PUSHV=$(awk -v a="$(get push_copy)" -v b="$(get verify_again)" 'BEGIN { printf "%.2f", a + b }')
  ARCHIVE=$(grep -o 'archive=[a-z]*' "$WORK/full.txt" | cut -d= -f2)
  echo "$round $(secs "$t" "$t1") $(secs "$t1" "$t2") $(secs "$t" "$t2") $(get export) $SEALV $PUSHV $(get archive_store) $(get archive_wait) $RAW_DIRTY $(get dirty_mb_at_import) $(get import) $(get total)" >> "$RESULTS"
done

echo
echo "archive: $ARCHIVE ($( [ "$ARCHIVE" = dir ] && echo 'resilient-archive dir: FastCDC + zstd' || echo 'plain copy standing in'))"
echo "mysql benchmark at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown commit"): $DUMP_MB MB mydumper dump of $DB, threads=$THREADS, rows-per-file=$ROWS_PER_FILE, QUIESCE=$QUIESCE, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); CHECKSUM TABLE equal after every load"
row() { printf '| %5s | %-52s | %9s | %9s | %7s |\n' "$@"; }
row "round" "step" "raw (s)" "full (s)" "ratio"
printf '|%s|%s|%s|%s|%s|\n' "-------" "------------------------------------------------------" "-----------" "-----------" "---------"
while read -r r rd rl rt fe fsv fpv fa fw rdirty fdirty fi ft; do
  row "$r" "dump (mydumper / MysqlExporter)" "$rd" "$fe" "$(ratio "$fe" "$rd")"
  row "$r" "seal + verify (export, pull-backup node)" "-" "$fsv" "-"
  row "$r" "push copy + verify again (import node)" "-" "$fpv" "-"
  row "$r" "archive store, $([ "$r" = 1 ] && echo 'empty archive' || echo 'next generation') (overlaps the next 3)" "-" "$fa" "-"
  row "$r" "standby's dirty pages at load start (MB)" "$rdirty" "$fdirty" "-"
  row "$r" "load (myloader -o / MysqlImporter with swap)" "$rl" "$fi" "$(ratio "$fi" "$rl")"
  row "$r" "wait for the archive store after the load" "-" "$fw" "-"
  row "$r" "total (wall clock)" "$rt" "$ft" "$(ratio "$ft" "$rt")"
done < "$RESULTS"
