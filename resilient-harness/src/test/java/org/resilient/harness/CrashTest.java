package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Crashes in the middle of a step ({@link Faults#crashAt}): nothing partial is published or imported, and the restarted node recovers. */
@DisplayName("A node that crashes in the middle of")
class CrashTest {

    private static List<String> published(Cluster c, String node) {
        Path dir = c.directory(node).resolve("backup");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int generations(Cluster c) {
        try (org.resilient.api.spi.Archive a = c.archive("db1-pbs")) {
            return a.generations().size();
        }
    }

    private static void assertFollows(Cluster c, String standby) {
        assertEquals(c.store(c.leader().name()).fingerprint(), c.store(standby).fingerprint(),
                () -> standby + " does not hold the leader's data; faults: " + c.faults().events());
    }

    @Nested
    @DisplayName("an export")
    class Export {
        @Test
        @DisplayName("(in the component's dump) publishes nothing, and exports again after its restart")
        void inTheDump() {
            crashLeaderAt("dump");
        }

        @Test
        @DisplayName("(sealing: hashing what the component wrote) publishes nothing, and exports again after its restart")
        void whileSealing() {
            crashLeaderAt("hash");
        }

        private void crashLeaderAt(String phase) {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").put("k", "v1");
                c.cycle();
                List<String> before = published(c, "db0");
                String standby = c.store("db1").fingerprint();
                c.store("db0").put("k", "v2");
                c.faults().crashAt("db0", phase, 1);
                ResilienceException e = assertThrows(ResilienceException.class, c::cycle);
                assertEquals(ErrorCode.CANCELLED, e.code());
                assertFalse(c.nodeNames().contains("db0"), "the crashed leader still runs");
                assertTrue(c.faults().events().get(0).startsWith("crash db0 at " + phase), () -> "events: " + c.faults().events());
                assertEquals(before, published(c, "db0"), "a backup cut short by the crash was published");
                assertEquals(standby, c.store("db1").fingerprint(), "the standby changed without a backup");
                c.restart("db0");
                c.cycle();
                assertFollows(c, "db1");
                assertEquals("v2", c.store("db1").get("k").orElse(null));
            }
        }
    }

    @Nested
    @DisplayName("an import")
    class Import {
        @Test
        @DisplayName("(in the component's load) leaves the standby's last good state, and imports after its restart")
        void inTheLoad() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").put("k", "v1");
                c.cycle();
                String good = c.store("db1").fingerprint();
                c.store("db0").put("k", "v2");
                c.faults().crashAt("db1", "load", 1);
                c.cycle();
                assertFalse(c.nodeNames().contains("db1"), "the crashed standby still runs");
                assertEquals(good, c.store("db1").fingerprint(), "a crashed import changed the standby");
                c.restart("db1");
                c.settle();
                assertFollows(c, "db1");
            }
        }
    }

    @Nested
    @DisplayName("a pull")
    class Pull {
        @Test
        @DisplayName("(verifying what it pulled) archives nothing partial, and pulls again after its restart")
        void whileVerifying() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").put("k", "v1");
                c.cycle();
                int generations = generations(c);
                c.store("db0").put("k", "v2");
                c.faults().crashAt("db1-pbs", "hash", 1);
                c.cycle();
                assertFalse(c.nodeNames().contains("db1-pbs"), "the crashed pull-backup node still runs");
                assertEquals(generations, generations(c), "a crashed pull archived a backup");
                c.restart("db1-pbs");
                c.settle();
                assertFollows(c, "db1");
            }
        }
    }
}
