package org.resilient.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.NodeRole;
import org.resilient.core.failover.WatchedFilesComponent;
import org.resilient.testkit.ManualClock;

/**
 * A deposed leader's fence must hold across restarts, also when the component's own fence did not survive (MariaDB's
 * {@code read_only} is lost when its server restarts; here the files component's live directory is opened by hand):
 * every start of the node demotes its component again until it is promoted. A leader is never demoted at start.
 */
class DemoteAtStartTest {
    @TempDir
    Path dir;
    private Path live0;

    @AfterEach
    void open() throws IOException {
        if (live0 != null && Files.exists(live0)) {
            Files.setPosixFilePermissions(live0, PosixFilePermissions.fromString("rwx------")); // for @TempDir
        }
    }

    private static ResilientNode start(ManualClock clock, Map<String, String> config) {
        Resilient.Builder b = Resilient.node(config.get("node.name"), NodeRole.parse(config.get("node.role")))
                .clock(clock).environment(Map.of());
        config.forEach(b::set);
        return b.start();
    }

    @Test
    @DisplayName("a deposed leader whose fence was lost is fenced again when it starts; the new leader is not demoted")
    void fencedAgainAtStart() throws IOException {
        Map<String, String> db0;
        Map<String, String> db1;
        Path live1;
        ManualClock clock;
        try (FailoverCluster c = new FailoverCluster(dir, 1)) {
            clock = c.clock;
            live0 = c.live("db0");
            live1 = c.live("db1");
            c.run(Duration.ofSeconds(2));
            c.cycle("db0", "v1");
            c.pause("db0");
            c.runUntil("db1 leads", () -> c.leaders().equals(List.of("db1")), 15);
            c.resume("db0");
            c.runUntil("db0 demoted", () -> WatchedFilesComponent.demoted(live0) == 1, 5);
            assertTrue(Files.getPosixFilePermissions(live0).isEmpty(), "fenced: mode 0000");
            assertEquals(NodeRole.IMPORT, c.node("db0").role());
            db0 = c.config("db0");
            db1 = c.config("db1");
        }
        try (ResilientNode leader = start(clock, db1)) {
            assertEquals(NodeRole.EXPORT, leader.role());
        }
        assertEquals(0, WatchedFilesComponent.demoted(live1), "the leader is never demoted at start");
        assertFalse(Files.getPosixFilePermissions(live1).isEmpty());

        // The fence is lost while the node is down, as MariaDB's read_only is when its server restarts.
        Files.setPosixFilePermissions(live0, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ResilientNode restarted = start(clock, db0)) {
            assertEquals(NodeRole.IMPORT, restarted.role(), "its state says it was deposed (its config: leader)");
            assertTrue(Files.getPosixFilePermissions(live0).isEmpty(), "fenced again at start: mode 0000");
            assertEquals(2, WatchedFilesComponent.demoted(live0));
        }
    }
}
