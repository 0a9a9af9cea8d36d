package org.resilient.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
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
 * Issue 16.17, 16.20 and 16.21: transfers that will never be finished do not stay in {@code incoming/} (a push
 * that failed for a full disk, a pull superseded by a newer backup, an export killed in the middle), a push that
 * reached its target but could not be written there is an I/O error and not "unreachable", a backup pruned by the
 * leader while a pull-backup node pulls it is reported as superseded and the newest is pulled next, and every
 * node's retention holds while its pushes or imports fail.
 */
@DisplayName("abandoned transfers and retention")
class AbandonedTransfersTest {
    @TempDir
    Path dir;
    Path source;
    /** What the pull-backup node's progress listener does (the test's hook into a pull or push in progress). */
    final AtomicReference<ProgressListener> onPbsProgress = new AtomicReference<>(ProgressListener.NONE);
    ResilientNode leader;
    ResilientNode pbs;

    @BeforeEach
    void cluster() throws IOException {
        source = TestTrees.sample(dir.resolve("source"));
        leader = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", source.toString())
                .set("export.keep", "2").directory(dir.resolve("db0")).notify(uri("pbs1")).build();
        pbs = Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(dir.resolve("pbs1")).pullFrom(uri("db0"), uri("db1"))
                .set("pbs.keep", "2").progress(p -> onPbsProgress.get().progress(p))
                .archive(URI.create("copy:" + dir.resolve("archive"))).build();
    }

    @AfterEach
    void close() {
        leader.close();
        pbs.close();
    }

    private URI uri(String name) {
        return dir.resolve(name).toUri();
    }

    private ResilientNode importNode(Path standby) {
        return Resilient.node("db1", NodeRole.IMPORT).component("files").set("files.target", standby.toString())
                .set("files.source", standby.toString()).set("import.keep", "2").directory(dir.resolve("db1"))
                .notify(uri("pbs1")).build();
    }

    private static List<String> names(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Fails the pull-backup node's next copy in {@code phase} as a full disk would, half-way through. */
    private void diskFullDuring(String phase) {
        AtomicBoolean done = new AtomicBoolean();
        onPbsProgress.set(p -> {
            if (p.phase().equals(phase) && p.done() > 0 && done.compareAndSet(false, true)) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write: No space left on device (simulated)");
            }
        });
    }

    @Test
    @DisplayName("a push that failed for a full disk is an I/O error, and is removed from the target by the next push")
    void diskFullPush() throws IOException {
        Path standby = dir.resolve("standby/current");
        try (ResilientNode db1 = importNode(standby)) {
            Files.write(source.resolve("big.bin"), new byte[3 << 20]);
            BackupId first = leader.exportNow();
            diskFullDuring("push");
            ResilienceException e = assertThrows(ResilienceException.class, pbs::poll);
            assertEquals(ErrorCode.IO_ERROR, e.code(), "the target was reached but could not take it: " + e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve("db1").toString()), e.getMessage());
            assertEquals(List.of(first.value()), names(dir.resolve("db1/incoming")), "the failed push is left half-done");
            NodeStatus failing = pbs.status();
            assertFalse(failing.healthy(), "deliveries fail: " + failing);

            onPbsProgress.set(ProgressListener.NONE);
            Files.delete(source.resolve("big.bin"));
            BackupId second = leader.exportNow();
            assertEquals(Optional.of(second), pbs.poll());
            assertEquals(List.of(), names(dir.resolve("db1/incoming")), "the superseded push is gone from the target");
            assertEquals(Optional.of(second), db1.poll());
            assertEquals(TestTrees.fingerprint(source), TestTrees.fingerprint(standby));
            assertTrue(pbs.status().healthy(), pbs.status().problems().toString());
        }
    }

    @Test
    @DisplayName("a pull superseded by a newer backup leaves nothing in the pull-backup node's incoming/")
    void supersededPull() throws IOException {
        Files.createDirectories(dir.resolve("db1")); // the target is there (its node not running)
        diskFullDuring("pull");
        BackupId first = leader.exportNow();
        assertThrows(ResilienceException.class, pbs::poll);
        assertEquals(List.of(first.value() + ".partial"), names(dir.resolve("pbs1/incoming")));
        onPbsProgress.set(ProgressListener.NONE);
        BackupId second = leader.exportNow();
        assertEquals(Optional.of(second), pbs.poll());
        assertEquals(List.of(), names(dir.resolve("pbs1/incoming")));
    }

    @Test
    @DisplayName("an export killed in the middle is removed by the next export")
    void killedExport() throws IOException {
        BackupId first = leader.exportNow();
        // What kill -9 in the middle of an export leaves (a real kill skips the export's own clean-up).
        Path left = dir.resolve("db0/incoming").resolve(BackupId.of(java.time.Instant.now(), "db0").value() + ".export");
        TestTrees.write(left.resolve("data/half.txt"), "half an export", "rw-r--r--", TestTrees.PAST);
        BackupId second = leader.exportNow();
        assertTrue(second.compareTo(first) > 0);
        assertEquals(List.of(), names(dir.resolve("db0/incoming")));
    }

    @Test
    @DisplayName("a backup the leader prunes while it is pulled is reported as superseded, and the newest is pulled next")
    void prunedWhilePulled() throws IOException {
        Files.createDirectories(dir.resolve("db1"));
        leader.exportNow();
        AtomicBoolean pruned = new AtomicBoolean();
        onPbsProgress.set(p -> {
            if (p.phase().equals("pull") && pruned.compareAndSet(false, true)) {
                leader.exportNow(); // export.keep=2: the backup being pulled is removed from the leader
                leader.exportNow();
            }
        });
        ResilienceException e = assertThrows(ResilienceException.class, pbs::poll);
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("superseded"), e.getMessage());
        assertTrue(pruned.get());
        onPbsProgress.set(ProgressListener.NONE);
        List<BackupId> onLeader = leader.status().published();
        assertEquals(Optional.of(onLeader.get(onLeader.size() - 1)), pbs.poll(), "the newest backup is pulled next");
        assertTrue(pbs.status().pending() == null, "nothing is left pending");
    }

    @Test
    @DisplayName("pbs.keep holds while a target is down")
    void pbsKeepWhileTargetDown() {
        for (int i = 0; i < 4; i++) {
            leader.exportNow();
            ResilienceException e = assertThrows(ResilienceException.class, pbs::poll, "db1 does not exist");
            assertEquals(ErrorCode.UNREACHABLE, e.code(), e.getMessage());
        }
        assertEquals(2, pbs.status().published().size(), pbs.status().published().toString());
    }

    @Test
    @DisplayName("import.keep holds while imports fail")
    void importKeepWhileImportsFail() throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "a file where the standby's parent should be");
        try (ResilientNode db1 = importNode(blocker.resolve("current"))) {
            for (int i = 0; i < 4; i++) {
                leader.exportNow();
                pbs.poll();
                assertThrows(ResilienceException.class, db1::poll);
            }
            assertEquals(2, db1.status().published().size(), db1.status().published().toString());
        }
    }
}
