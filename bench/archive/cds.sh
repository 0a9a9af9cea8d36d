# Sourced by run.sh and restore.sh after WORK, JAVA_OPTS and CP are set: sets RES, the command line of the archive
# tool, with class-data sharing as ./resilient uses it. The classes a store loads are archived once (by storing
# the jars in $WORK/lib into a throwaway archive) and mapped by every later command, which saves each one
# 0.1-0.2 CPU-seconds of class loading; JVM messages go to stderr and a stale archive is skipped silently.
JSA="$WORK/archive-tool.jsa"
rm -rf "$WORK/cds-train" "$JSA"
java -XX:ArchiveClassesAtExit="$JSA" -Xlog:cds=off -Xlog:cds+dynamic=off $JAVA_OPTS -cp "$CP" \
  org.resilient.archive.tool.ArchiveTool store --repo "$WORK/cds-train" "$WORK/lib" > /dev/null 2>&1 || rm -f "$JSA"
rm -rf "$WORK/cds-train"
CDS="-Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off -Xlog:cds+dynamic=off"
[ -s "$JSA" ] && CDS="$CDS -XX:SharedArchiveFile=$JSA"
# As ./resilient does: zstd-jni's native library is unpacked once instead of into /tmp at every start.
ZJAR=$(tr ':' '\n' <<< "$CP" | grep '/zstd-jni-.*\.jar$' | head -1 || true)
ZNAME="lib$(basename "$ZJAR" .jar).so"
rm -rf "$WORK/native" && mkdir -p "$WORK/native"
(cd "$WORK/native" && { unzip -q "$ZJAR" "linux/amd64/$ZNAME" 2>/dev/null || jar xf "$ZJAR" "linux/amd64/$ZNAME"; }) >/dev/null 2>&1 || true
[ -s "$WORK/native/linux/amd64/$ZNAME" ] && CDS="$CDS -DZstdNativePath=$WORK/native/linux/amd64/$ZNAME"
RES="java $JAVA_OPTS $CDS -cp $CP org.resilient.archive.tool.ArchiveTool"
