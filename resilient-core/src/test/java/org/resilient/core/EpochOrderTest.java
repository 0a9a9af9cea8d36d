package org.resilient.core;

import org.resilient.api.NodeRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Backups are ordered by epoch, then by the leader's sequence, never by the clock in their ids; a stale leader
 * is answered, not silently dropped. Real parts: the {@code files} component, the file transport, the copy archive.
 */
class EpochOrderTest {
    @TempDir
    Path dir;
    ResilientNode db0;
    ResilientNode pbs;
    ResilientNode db1;

    @BeforeEach
    void cluster() throws IOException {
        Path live = Files.createDirectories(dir.resolve("live"));
        Files.writeString(live.resolve("a.txt"), "v1");
        URI pbsUri = dir.resolve("nodes/pbs").toUri();
        Clock now = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        // db1's clock is an hour behind db0's: its backup ids sort before db0's.
        Clock behind = Clock.fixed(Instant.parse("2026-12-01T11:00:00Z"), ZoneOffset.UTC);
        db0 = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", live.toString())
                .directory(dir.resolve("nodes/db0")).notify(pbsUri).clock(now).build();
        pbs = Resilient.node("pbs", NodeRole.PULL_BACKUP).directory(dir.resolve("nodes/pbs"))
                .pullFrom(db0.uri(), dir.resolve("nodes/db1").toUri())
                .archive(URI.create("copy:" + dir.resolve("nodes/pbs/archive"))).clock(now).build();
        db1 = Resilient.node("db1", NodeRole.IMPORT).component("files").set("files.target", dir.resolve("standby").toString())
                .set("files.source", dir.resolve("standby").toString()).directory(dir.resolve("nodes/db1"))
                .notify(pbsUri).clock(behind).build();
    }

    @AfterEach
    void close() {
        for (ResilientNode n : List.of(db0, pbs, db1)) {
            n.close();
        }
    }

    @Test
    @DisplayName("a new leader whose clock is behind the old one's is not skipped, and the old leader learns it is stale")
    void newEpochBeforeClock() throws IOException {
        BackupId first = db0.exportNow();
        assertEquals(Optional.of(first), pbs.poll());
        assertEquals(Optional.of(first), db1.poll());
        assertEquals(1, db1.status().lastImport().sequence());

        Epoch epoch = Takeover.promote(db1, List.of(pbs), List.of(pbs.uri()));
        Files.writeString(dir.resolve("standby/a.txt"), "v2 from the new leader");
        BackupId fromNewLeader = db1.exportNow();
        assertTrue(fromNewLeader.compareTo(first) < 0, "the new leader's id sorts before the old one's");
        assertEquals(Optional.of(fromNewLeader), pbs.poll(), "epoch " + epoch + " orders before the id's clock");

        // db0 was not told of the takeover: its export is refused by the pull-backup node, which answers it.
        BackupId fromOldLeader = db0.exportNow();
        assertEquals(Optional.empty(), pbs.poll());
        ResilienceException e = assertThrows(ResilienceException.class, () -> db0.exportNow());
        assertEquals(ErrorCode.WRONG_STATE, e.code(), e.getMessage());
        assertEquals(NodeRole.IMPORT, db0.role());
        assertEquals(epoch, db0.epoch());
        assertTrue(pbs.status().published().stream().noneMatch(fromOldLeader::equals));
    }
}
