#!/usr/bin/env bash
# Runs the sqlite example component with the resilient command, as a plugin jar: a leader (db0), a pull-backup node
# (db1-pbs) and a standby (db1) over file: URIs, configured by 'resilient replicate'; one export, pull and import;
# then checks that the standby holds the leader's rows and refuses writes, and promotes it.
# Usage: examples/sqlite-component/run-cli.sh DIR    (needs the sqlite3 command for the checks; DIR must not exist)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ ! -e "$1" ] || { echo "run-cli.sh: $1 exists; give a new directory" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "run-cli.sh: the checks need the sqlite3 command: apt-get install sqlite3" >&2; exit 2; }
mkdir -p "$1"; dir="$(cd "$1" && pwd)"

version="$(sed -n '/^  <version>/{s|^  <version>\(.*\)</version>|\1|p;q;}' "$root/pom.xml")"
jar="$here/target/resilient-example-sqlite-$version.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package -pl resilient-dist,examples/sqlite-component -am) >&2
fi
# The plugin is the component's jar and its one dependency, the SQLite driver.
driver_version="$(sed -n 's|.*<sqlite-jdbc.version>\(.*\)</sqlite-jdbc.version>.*|\1|p' "$here/pom.xml")"
driver="${M2_REPO:-$HOME/.m2/repository}/org/xerial/sqlite-jdbc/$driver_version/sqlite-jdbc-$driver_version.jar"
[ -f "$driver" ] || { echo "run-cli.sh: $driver is missing; build the example once with Maven" >&2; exit 2; }
export RESILIENT_PLUGINS="$jar:$driver"
resilient="$root/resilient"

"$resilient" components | grep -qE '^component +sqlite ' || { echo "run-cli.sh: the resilient command does not find 'sqlite'" >&2;
  "$resilient" components >&2; exit 1; }

sqlite3 "$dir/live.db" "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT); INSERT INTO t VALUES ('hello', 'from the leader');"
"$resilient" replicate db 2 --component sqlite --dir "$dir/nodes" \
  --export-set "sqlite.database=$dir/live.db" --import-set "sqlite.database=$dir/\${node}.db" >/dev/null

"$resilient" export -c "$dir/nodes/db0.properties"
"$resilient" pull -c "$dir/nodes/db1-pbs.properties"
"$resilient" import -c "$dir/nodes/db1.properties"

got="$(sqlite3 "$dir/db1.db" "SELECT v FROM t WHERE k = 'hello'")"
[ "$got" = "from the leader" ] || { echo "run-cli.sh: the standby holds '$got'" >&2; exit 1; }
if sqlite3 "$dir/db1.db" "INSERT INTO t VALUES ('x', 'y')" 2>/dev/null; then
  echo "run-cli.sh: the standby accepts writes before promotion" >&2; exit 1
fi
"$resilient" promote -c "$dir/nodes/db1.properties" >/dev/null
sqlite3 "$dir/db1.db" "INSERT INTO t VALUES ('after', 'promotion')"
echo "run-cli.sh: db1 holds the leader's data, refused writes as a standby and takes them once promoted"
