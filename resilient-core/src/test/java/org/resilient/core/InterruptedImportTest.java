package org.resilient.core;

import org.resilient.api.NodeRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.resilient.api.BackupId;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.core.files.KillingFilesComponent;
import org.resilient.core.files.KillingFilesComponent.Point;
import org.resilient.core.fs.TestTrees;

/**
 * Issue 16.18: an import node killed in the middle of an import (between the swap's two renames, or after the swap
 * but before its state was written) is reported by status as an interrupted step, unhealthy; when it starts again
 * it repairs the standby and imports the backup again, ending with the standby equal to the leader's data byte for
 * byte and the state naming that backup.
 */
@DisplayName("an interrupted import")
class InterruptedImportTest {
    @TempDir
    Path dir;
    ResilientNode leader;
    ResilientNode pbs;
    Path source;
    Path standby;

    @BeforeEach
    void cluster() throws IOException {
        KillingFilesComponent.KILL_AT = Point.NONE;
        source = TestTrees.sample(dir.resolve("source"));
        standby = dir.resolve("standby/current");
        leader = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", source.toString())
                .directory(dir.resolve("db0")).notify(uri("pbs1")).build();
        pbs = Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(dir.resolve("pbs1")).pullFrom(uri("db0"), uri("db1"))
                .archive(URI.create("copy:" + dir.resolve("archive"))).build();
    }

    @AfterEach
    void close() {
        leader.close();
        pbs.close();
        KillingFilesComponent.KILL_AT = Point.NONE;
    }

    private URI uri(String name) {
        return dir.resolve(name).toUri();
    }

    private ResilientNode standbyNode(String component) {
        return Resilient.node("db1", NodeRole.IMPORT).component(component).set("files.target", standby.toString())
                .set("files.source", standby.toString()).set("node.poll-interval", "20ms").directory(dir.resolve("db1"))
                .notify(uri("pbs1")).build();
    }

    private BackupId exportAndPull() {
        BackupId id = leader.exportNow();
        pbs.poll();
        return id;
    }

    @ParameterizedTest(name = "killed {0}")
    @EnumSource(value = Point.class, names = {"BETWEEN_RENAMES", "AFTER_SWAP"})
    @DisplayName("is reported as interrupted, and repaired and redone when the node starts")
    void interrupted(Point point) throws Exception {
        BackupId second;
        try (ResilientNode db1 = standbyNode("killing-files")) {
            BackupId first = exportAndPull();
            db1.poll();
            assertEquals(first, db1.status().lastImport().backupId());
            Files.writeString(source.resolve("added.txt"), "second backup");
            second = exportAndPull();
            KillingFilesComponent.KILL_AT = point;
            assertThrows(KillingFilesComponent.Killed.class, db1::poll);

            NodeStatus s = db1.status();
            assertFalse(s.healthy(), "an interrupted import is not healthy: " + s);
            assertEquals(List.of("import"), s.interrupted().stream().map(InterruptedStep::step).toList());
            assertEquals(second, s.interrupted().get(0).backupId());
            assertTrue(s.problems().stream().anyMatch(p -> p.startsWith("import of " + second)), s.problems().toString());
            assertEquals(first, s.lastImport().backupId(), "the state still names the last good import");
            assertEquals(point == Point.BETWEEN_RENAMES, !Files.exists(standby), "the standby's state on disk");
        }
        // The node comes back (the real files component, started as a daemon would be).
        try (ResilientNode db1 = standbyNode("files")) {
            assertFalse(db1.status().healthy(), "still interrupted until the node repairs it");
            db1.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(db1.status().healthy() && second.equals(db1.status().lastImport().backupId()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            NodeStatus s = db1.status();
            assertTrue(s.healthy(), s.problems().toString());
            assertTrue(s.interrupted().isEmpty());
            assertEquals(second, s.lastImport().backupId(), "the import was done again: the state names the new backup");
            assertEquals(TestTrees.fingerprint(source), TestTrees.fingerprint(standby), "the standby equals the leader's data");
            try (Stream<Path> siblings = Files.list(standby.getParent())) {
                assertEquals(List.of("current"), siblings.map(p -> p.getFileName().toString()).toList(),
                        "no staged or old copy is left beside the standby");
            }
        }
    }
}
