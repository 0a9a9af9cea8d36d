package org.resilient.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeRole;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.core.fs.TestTrees;

/**
 * Issue 16.17: an import node's own status says at once that deliveries to it fail on its side (through the
 * {@code file:} transport, where the pull-backup node writes into the import node's {@code incoming/}), with the
 * reason, and is healthy again as soon as a delivery succeeds; before, it learned only when its imports went stale.
 */
@DisplayName("an import node's status while deliveries to it fail (file:)")
class DeliveryStatusTest {
    @TempDir
    Path dir;
    Path source;
    final AtomicReference<ProgressListener> onPbsProgress = new AtomicReference<>(ProgressListener.NONE);
    ResilientNode leader;
    ResilientNode pbs;
    ResilientNode db1;
    Path standby;

    @BeforeEach
    void cluster() throws IOException {
        source = TestTrees.sample(dir.resolve("source"));
        standby = dir.resolve("standby/current");
        leader = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", source.toString())
                .directory(dir.resolve("db0")).notify(uri("pbs1")).build();
        pbs = Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(dir.resolve("pbs1")).pullFrom(uri("db0"), uri("db1"))
                .progress(p -> onPbsProgress.get().progress(p)).archive(URI.create("copy:" + dir.resolve("archive"))).build();
        db1 = Resilient.node("db1", NodeRole.IMPORT).component("files").set("files.target", standby.toString())
                .directory(dir.resolve("db1")).notify(uri("pbs1")).build();
    }

    @AfterEach
    void close() {
        db1.close();
        leader.close();
        pbs.close();
    }

    private URI uri(String name) {
        return dir.resolve(name).toUri();
    }

    @Test
    @DisplayName("a push that fills the import node's disk (a real full tmpfs) makes its status unhealthy at once")
    void realDiskFull() throws Exception {
        Path incoming = dir.resolve("db1/incoming");
        Files.createDirectories(incoming);
        Assumptions.assumeTrue(new ProcessBuilder("id", "-u").start().inputReader().readLine().equals("0"),
                "mounting a tmpfs needs root");
        int rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", incoming.toString())
                .redirectErrorStream(true).start().waitFor();
        Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs here");
        try {
            Files.write(source.resolve("big.bin"), new byte[3 << 20]);
            assertTrue(db1.status().healthy(), db1.status().problems().toString());
            BackupId first = leader.exportNow();
            ResilienceException e = assertThrows(ResilienceException.class, pbs::poll);
            assertEquals(ErrorCode.IO_ERROR, e.code(), e.getMessage());
            NodeStatus failing = db1.status();
            assertFalse(failing.healthy(), "pushes to db1 fail for its full disk, yet its status is healthy: " + failing);
            String problems = failing.problems().toString();
            assertTrue(problems.contains("receive failed") && problems.contains(first.value())
                    && problems.contains("No space left on device"), problems);
        } finally {
            new ProcessBuilder("umount", incoming.toString()).redirectErrorStream(true).start().waitFor();
        }
        Files.delete(source.resolve("big.bin"));
        BackupId second = leader.exportNow();
        assertEquals(Optional.of(second), pbs.poll());
        NodeStatus recovered = db1.status();
        assertTrue(recovered.healthy(), "a delivery succeeded: " + recovered.problems());
        assertTrue(recovered.lastRun("receive").orElseThrow().ok());
        assertEquals(Optional.of(second), db1.poll());
        assertEquals(TestTrees.fingerprint(source), TestTrees.fingerprint(standby));
    }

    @Test
    @DisplayName("a push refused on the import node's side (simulated write error) is in its status, with the reason")
    void refusedPush() throws IOException {
        AtomicBoolean once = new AtomicBoolean();
        onPbsProgress.set(p -> {
            if (p.phase().equals("push") && p.done() > 0 && once.compareAndSet(false, true)) {
                throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot write into db1's incoming/ (simulated)");
            }
        });
        BackupId first = leader.exportNow();
        assertThrows(ResilienceException.class, pbs::poll);
        NodeStatus failing = db1.status();
        assertFalse(failing.healthy(), failing.toString());
        StepOutcome receive = failing.lastRun("receive").orElseThrow();
        assertEquals(first, receive.backupId());
        assertTrue(receive.message().contains("NOT_WRITABLE") && receive.message().contains("simulated"), receive.message());

        BackupId second = leader.exportNow();
        assertEquals(Optional.of(second), pbs.poll(), "the next backup is delivered");
        assertTrue(db1.status().healthy(), db1.status().problems().toString());
    }
}
