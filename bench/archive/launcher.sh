# Sourced by run.sh and restore.sh after ROOT and WORK are set. Builds the resilient command (the reactor build of
# ./resilient: resilient-cli and the modules it needs, from a fresh clone too) and sets RES to `resilient archive`
# run through a copy of the launcher, so the benchmark measures exactly what a user runs: the launcher's JVM
# options (RESILIENT_JAVA_OPTS overrides them, as for any user), its class-data sharing archive and its unpacked
# zstd library. The copy ($WORK/resilient-dist: the unpacked distribution, bin/ and lib/) keeps a rebuild of the
# worktree during a run from changing what is measured. One command run before the first measurement makes the
# copy's class-data archive and native library, so no measured command pays for them.
command -v java >/dev/null || { echo "the benchmark needs Java 17 (apt-get install openjdk-17-jdk)" >&2; exit 2; }
echo "building the resilient command ..." >&2
"$ROOT/resilient" --version > /dev/null
DIST=$WORK/resilient-dist
rm -rf "$DIST"
cp -pr "$(ls -d "$ROOT"/resilient-dist/target/resilient-*/resilient | tail -1)" "$DIST"
rm -f "$DIST/lib/resilient.jsa"
"$DIST/bin/resilient" --version > /dev/null
RES="$DIST/bin/resilient archive"
RES_JVM=${RESILIENT_JAVA_OPTS:-"$(sed -n 's/^opts=\${RESILIENT_JAVA_OPTS:-\(.*\)}$/\1/p' "$DIST/bin/resilient")"}
