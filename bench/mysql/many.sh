#!/usr/bin/env bash
# Benchmark of the mysql component with many small objects (issue 18): DBS databases of TABLES tables each (one
# with a trigger, plus a view per database), raw mydumper + myloader against the full cycle (MysqlBench.java),
# between the same two throwaway MariaDB servers, in alternating rounds; prints every round, the medians and the
# machine's load, and checks after every load that the standby equals the source (CHECKSUM TABLE of every table,
# the views and triggers by name).
# Usage: [ROUNDS=3] bench/mysql/many.sh [DBS (default 20)] [TABLES (default 101)] [ROWS per table (default 200)]
#        [THREADS (default 2)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/mysql/lib.sh"
NDB="${1:-20}"
NTABLES="${2:-101}"
NROWS="${3:-200}"
THREADS="${4:-2}"
ROUNDS="${ROUNDS:-3}"
ROWS_PER_FILE=250000
DBS=$(seq -f 'many%02g' 1 "$NDB" | paste -sd,)
REGEX="^($(echo "$DBS" | tr , '|'))\\."

build_classpath
start_servers

echo "== generating $NDB databases x $NTABLES tables of $NROWS rows (one table with a trigger, one view each)"
t=$(now)
for db in ${DBS//,/ }; do
  {
    echo "CREATE DATABASE $db; USE $db;"
    for i in $(seq 2 "$NTABLES"); do
      echo "CREATE TABLE t$i (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, n INT NOT NULL) ENGINE=InnoDB;"
      echo "INSERT INTO t$i SELECT seq, MD5(seq + $i), seq * $i FROM mysql.seq_1_to_$NROWS;"
    done
    echo "CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, n INT NOT NULL) ENGINE=InnoDB;"
    echo "INSERT INTO t1 SELECT seq, MD5(seq), seq FROM mysql.seq_1_to_$NROWS;"
    echo "CREATE TRIGGER t1_bi BEFORE INSERT ON t1 FOR EACH ROW SET NEW.v = UPPER(NEW.v);"
    echo "CREATE VIEW v1 AS SELECT id, v FROM t1 WHERE n % 2 = 0;"
  } | mariadb --no-defaults -S "$WORK/src/sock" -uroot
done
echo "   generated in $(secs "$t" "$(now)") s"

# What "equal" means: CHECKSUM TABLE of every table, and the views and triggers by name.
TABLE_LIST=$(mariadb --no-defaults -S "$WORK/src/sock" -uroot --batch --skip-column-names -e "SET SESSION group_concat_max_len = 10000000;
  SELECT GROUP_CONCAT(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) ORDER BY TABLE_SCHEMA, TABLE_NAME) FROM information_schema.TABLES
  WHERE TABLE_SCHEMA LIKE 'many%' AND TABLE_TYPE = 'BASE TABLE'")
state() {
  sql "$1" "CHECKSUM TABLE $TABLE_LIST" | md5sum | cut -c1-12
  sql "$1" "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA LIKE 'many%'
    UNION ALL SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA LIKE 'many%'
    ORDER BY 1, 2" | md5sum | cut -c1-12
  sql "$1" "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'many%\\_\\_%'"
}
SRC_STATE=$(state src | tr '\n' ' ')

RESULTS="$WORK/results.txt"; : > "$RESULTS"
for round in $(seq "$ROUNDS"); do
  echo "-- round $round: raw mydumper -t $THREADS -r $ROWS_PER_FILE -G -E -R --regex, then myloader -t $THREADS -o"
  rm -rf "$WORK/raw"; mkdir -p "$WORK/raw"
  load1=$(cut -d' ' -f1 /proc/loadavg)
  t=$(now)
  mydumper -S "$WORK/src/sock" -u root -o "$WORK/raw/dump" -t "$THREADS" -r "$ROWS_PER_FILE" --regex "$REGEX" -G -E -R -v 1
  t1=$(now)
  myloader -S "$WORK/dst/sock" -u root -d "$WORK/raw/dump" -t "$THREADS" -o -v 1
  t2=$(now)
  rm -rf "$WORK/raw"
  echo "   raw: mydumper $(secs "$t" "$t1") s, myloader $(secs "$t1" "$t2") s, total $(secs "$t" "$t2") s"
  [ "$(state dst | tr '\n' ' ')" = "$SRC_STATE" ] || { echo "raw load: the standby differs from the source" >&2; exit 1; }
  echo "-- round $round: full cycle (export, seal, verify, archive store + push, verify, import with swap)"
  rm -rf "$WORK/full"
  full_cycle "$WORK/full" "$DBS" "$THREADS" "$ROWS_PER_FILE" | tee "$WORK/full.txt"
  rm -rf "$WORK/full"
  [ "$(state dst | tr '\n' ' ')" = "$SRC_STATE" ] || { echo "full cycle: the standby differs from the source" >&2; exit 1; }
  load2=$(cut -d' ' -f1 /proc/loadavg)
  get() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/full.txt"; }
  echo "$round $(secs "$t" "$t1") $(secs "$t1" "$t2") $(secs "$t" "$t2") $(get export) $(get import) $(get total) $(get replaced_dropped_after) $load1/$load2" >> "$RESULTS"
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$1" '{ print $c }' "$RESULTS" | median; }
echo
echo "mysql many-objects benchmark at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown commit"):" \
  "$NDB databases x $NTABLES tables x $NROWS rows, threads=$THREADS, $(nproc) cores; standby equal to the source after every load"
row() { printf '| %6s | %9s | %9s | %9s | %9s | %9s | %9s | %7s | %9s | %11s |\n' "$@"; }
row "round" "mydumper" "myloader" "raw" "export" "import" "cycle" "ratio" "drop old" "load 1m"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "--------" "-----------" "-----------" "-----------" "-----------" \
  "-----------" "-----------" "---------" "-----------" "-------------"
while read -r r rd rl rt fe fi ft fdrop load; do
  row "$r" "$rd" "$rl" "$rt" "$fe" "$fi" "$ft" "$(ratio "$ft" "$rt")" "$fdrop" "$load"
done < "$RESULTS"
row "median" "$(col 2)" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" "$(ratio "$(col 7)" "$(col 4)")" "$(col 8)" \
  "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
echo "(seconds; cycle = export + seal + verify + push + verify + import, with the archive store overlapping;"
echo " drop old = the importer's background drop of the replaced tables, after the import returned, not in cycle)"
