package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeLayout;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Transport;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.resilient.support.fs.Deliveries;
import org.resilient.testkit.TestBackups;

/**
 * Issue 16.17 over {@code https:}: the receiving node's server records a delivery that fails on its side (a full
 * disk while receiving, a transfer that broke off) in the node's state, so that the import node's own status is
 * unhealthy at once with the reason, and healthy again after the next delivery succeeds.
 */
@DisplayName("https: an import node's status while deliveries to it fail")
@Timeout(180)
class HttpsDeliveryStatusTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("a push that fills the import node's disk (a real full tmpfs) makes its status unhealthy at once")
    void diskFull() throws Exception {
        Path incoming = tmp.resolve("db1/incoming");
        boolean mounted = false;
        HttpsCoreCluster cluster = new HttpsCoreCluster(tmp);
        try {
            HttpsCoreCluster.Cycle c = cluster.cycle();
            Path source = c.source();
            byte[] big = new byte[3 << 20];
            new Random(1).nextBytes(big);
            Files.write(source.resolve("big.bin"), big);
            ResilientNode leader = c.leader();
            ResilientNode pbs = c.pbs();
            ResilientNode imp = c.imp();
            Files.createDirectories(incoming);
            Assumptions.assumeTrue(new ProcessBuilder("id", "-u").start().inputReader().readLine().equals("0"),
                    "mounting a tmpfs needs root");
            mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", incoming.toString())
                    .redirectErrorStream(true).start().waitFor() == 0;
            Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here");

            BackupId first = leader.exportNow();
            ResilienceException e = assertThrows(ResilienceException.class, pbs::poll);
            assertEquals(ErrorCode.IO_ERROR, e.code(), "the import node was reached but could not write: " + e.getMessage());
            NodeStatus failing = imp.status();
            assertFalse(failing.healthy(), "pushes to db1 fail for its full disk, yet its status is healthy: " + failing);
            String problems = failing.problems().toString();
            assertTrue(problems.contains("receive failed") && problems.contains(first.value())
                    && problems.contains("No space left on device"), problems);

            new ProcessBuilder("umount", incoming.toString()).redirectErrorStream(true).start().waitFor();
            mounted = false;
            Files.delete(source.resolve("big.bin"));
            BackupId second = leader.exportNow();
            assertEquals(Optional.of(second), pbs.poll());
            NodeStatus recovered = imp.status();
            assertTrue(recovered.healthy(), "a delivery succeeded: " + recovered.problems());
            assertEquals(Optional.of(second), imp.poll());
            assertEquals(HttpsCoreCluster.TABLE, Files.readString(c.standby().resolve("table.csv")));
        } finally {
            if (mounted) {
                new ProcessBuilder("umount", incoming.toString()).redirectErrorStream(true).start().waitFor();
            }
            cluster.close();
        }
    }

    @Test
    @DisplayName("a push that broke off is recorded as a failed delivery on the receiver; its resumed push clears it")
    void brokenPush() throws IOException {
        try (HttpsNodes nodes = new HttpsNodes(tmp.resolve("cluster"))) {
            URI a = nodes.node("a");
            URI b = nodes.node("b");
            BackupId id = TestBackups.id(12);
            Path made = tmp.resolve("made");
            TestBackups.sampleTree(NodeLayout.data(made), 1);
            byte[] bytes = new byte[8 << 20];
            new Random(42).nextBytes(bytes);
            Files.write(NodeLayout.data(made).resolve("big-random.bin"), bytes);
            TestBackups.seal(made, id, TestBackups.COMPONENT, TestBackups.SOURCE_NODE, Instant.parse("2026-01-02T00:00:00Z"));
            OperationContext ctx = TwoNodesTest.cancelledAfter(tmp, bytes.length / 2);
            NodeLayout receiver = nodes.layout(b);
            try (Transport fromA = nodes.open(a)) {
                assertThrows(ResilienceException.class, () -> fromA.push(made, id, b, ctx));
                // The receiver notices when its read of the request breaks off, a moment after the pusher stopped.
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                while (Deliveries.last(receiver).isEmpty() && System.nanoTime() < deadline) {
                    sleep(20);
                }
                Deliveries.Delivery broken = Deliveries.last(receiver).orElseThrow(
                        () -> new AssertionError("the broken push left no record on the receiver within 30 s"));
                assertFalse(broken.ok(), broken.toString());
                assertEquals(id, broken.backupId());
                assertTrue(broken.message().contains("broke off"), broken.message());

                fromA.push(made, id, b, TestBackups.context(tmp));
                Deliveries.Delivery resumed = Deliveries.last(receiver).orElseThrow();
                assertTrue(resumed.ok(), resumed.toString());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
