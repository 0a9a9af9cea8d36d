package org.resilient.core;

import org.resilient.api.NodeRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.ResilienceException;
import org.resilient.api.Generation;
import org.resilient.api.Settings;
import org.resilient.testkit.ManualClock;
import org.resilient.testkit.memory.MemoryArchiveProvider;
import org.resilient.testkit.memory.MemoryNetwork;
import org.resilient.testkit.memory.MemoryStore;
import org.resilient.testkit.memory.MemoryTransportProvider;

/**
 * The orchestration of the three roles, with the test kit's in-memory component, transport and archive (and the
 * faults they let a test inject). Store, node and archive names carry a per-test suffix: they are process-wide.
 */
class NodeCycleTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    final String suffix = "-" + java.util.UUID.randomUUID();
    URI db0;
    URI pbs;
    URI db1;
    URI db2;
    URI archive;
    ResilientNode leader;
    ResilientNode pbsNode;
    ResilientNode import1;
    ResilientNode import2;

    @BeforeEach
    void cluster() {
        db0 = uri("db0");
        pbs = uri("pbs1");
        db1 = uri("db1");
        db2 = uri("db2");
        archive = MemoryNetwork.uri("archive" + suffix);
        leader = node("db0", NodeRole.EXPORT).set("memory.store", "live0" + suffix).set("export.notify", pbs.toString())
                .set("export.retries", "2").build();
        pbsNode = node("pbs1", NodeRole.PULL_BACKUP).set("memory.store", "pbs1" + suffix).set("pbs.source", db0.toString())
                .set("pbs.targets", db1 + "," + db2).set("pbs.archive", archive.toString()).build();
        import1 = importNode("db1");
        import2 = importNode("db2");
    }

    @AfterEach
    void close() {
        for (ResilientNode n : new ResilientNode[] {leader, pbsNode, import1, import2}) {
            n.close();
        }
        for (String name : List.of("db0", "pbs1", "db1", "db2")) {
            MemoryNetwork.remove(name + suffix);
        }
        for (String store : List.of("live0", "pbs1", "db1", "db2")) {
            MemoryStore.drop(store + suffix);
        }
        MemoryArchiveProvider.drop("archive" + suffix);
    }

    /** The value a memory store holds (one key: the tests' "data"). */
    private String data(String store) {
        return MemoryStore.named(store + suffix).get("data").orElse(null);
    }

    private void write(String store, String value) {
        MemoryStore.named(store + suffix).put("data", value);
    }

    private MemoryStore store(String store) {
        return MemoryStore.named(store + suffix);
    }

    private List<Generation> archived() {
        try (var a = new MemoryArchiveProvider().open(archive, Settings.empty(), false)) {
            return a.generations();
        }
    }

    private void onStore(Runnable hook) {
        MemoryArchiveProvider.onStore("archive" + suffix, hook);
    }

    private void onPush(Runnable hook) {
        for (String name : List.of("db1", "db2")) {
            MemoryNetwork.node(name + suffix).onPush(hook);
        }
    }

    private URI uri(String name) {
        return MemoryNetwork.uri(name + suffix);
    }

    private Resilient.Builder node(String name, NodeRole role) {
        return Resilient.node(name, role).component("memory").directory(dir.resolve(name))
                .set("node.uri", uri(name).toString()).clock(clock);
    }

    private ResilientNode importNode(String name) {
        return node(name, NodeRole.IMPORT).set("memory.store", name + suffix)
                .set("export.notify", pbs.toString()).build();
    }

    private BackupId cycle(String data) {
        write("live0", data);
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        assertEquals(Optional.of(id), pbsNode.poll());
        assertEquals(Optional.of(id), import1.poll());
        assertEquals(Optional.of(id), import2.poll());
        return id;
    }

    @Test
    @DisplayName("a backup flows from the leader through the pull-backup node into every standby")
    void fullCycle() {
        BackupId first = cycle("v1");
        BackupId second = cycle("v2");
        assertEquals("v2", data("db1"));
        assertEquals("v2", data("db2"));
        assertEquals(List.of(first, second), archived().stream().map(g -> g.backupId()).toList());
        NodeStatus s = import1.status();
        assertEquals(second, s.lastImport().backupId());
        assertTrue(s.healthy());
        assertTrue(Files.exists(dir.resolve("db0/backup").resolve(second.value()).resolve("SIGNATURE")));
    }

    @Test
    @DisplayName("the pull-backup node pushes to the first import node, then stores into the archive while it pushes to the next and the first imports")
    void archiveAfterFirstPushThenOverlap() {
        write("live0", "v1");
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        CountDownLatch storing = new CountDownLatch(1);
        CountDownLatch pushing = new CountDownLatch(1);
        AtomicInteger pushes = new AtomicInteger();
        AtomicReference<Optional<BackupId>> importedWhileStoring = new AtomicReference<>();
        onPush(() -> {
            if (pushes.incrementAndGet() == 2) {
                meet(pushing, storing, "the archive did not store while the push to the second import node ran");
            }
        });
        onStore(() -> {
            // the first import node was delivered to before the archive began: it imports while the archive stores
            importedWhileStoring.set(import1.poll());
            meet(storing, pushing, "the push to the second import node did not run while the archive stored");
        });
        assertEquals(Optional.of(id), pbsNode.poll());
        assertEquals(Optional.of(id), importedWhileStoring.get());
        assertEquals(Optional.of(id), import2.poll());
        assertEquals(List.of(id), archived().stream().map(g -> g.backupId()).toList());
        assertEquals("v1", data("db1"));
        assertEquals("v1", data("db2"));
        assertTrue(pbsNode.status().healthy());
    }

    /** Signals {@code mine}, then waits (with a deadline) until the other side signalled too. */
    private static void meet(CountDownLatch mine, CountDownLatch other, String failure) {
        mine.countDown();
        try {
            if (!other.await(30, TimeUnit.SECONDS)) {
                throw new ResilienceException(ErrorCode.INTERNAL, failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "interrupted");
        }
    }

    @Test
    @DisplayName("an archive failure fails the job even though the push went through; the retry archives it")
    void archiveFailureIsReportedAndRetried() {
        cycle("v1");
        write("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        onStore(() -> {
            throw new ResilienceException(ErrorCode.IO_ERROR, "archive disk full");
        });
        ResilienceException e = assertThrows(ResilienceException.class, () -> pbsNode.poll());
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("archive disk full"), e.getMessage());
        NodeStatus s = pbsNode.status();
        assertFalse(s.healthy());
        assertFalse(s.lastRun("archive").orElseThrow().ok());
        assertTrue(s.lastRun("push").orElseThrow().ok());
        assertEquals(id, s.pending(), "the job stays pending for a retry");
        assertEquals(1, archived().size());
        assertEquals(Optional.of(id), import1.poll(), "the verified copy was pushed meanwhile");
        onStore(null);
        assertEquals(Optional.of(id), pbsNode.poll());
        assertEquals(2, archived().size());
        assertTrue(pbsNode.status().healthy());
        assertEquals(Optional.empty(), import1.poll(), "the re-push of a backup it has is a no-op");
        assertEquals(Optional.of(id), import2.poll());
    }

    @Test
    @DisplayName("when both the archive and the push fail, the job's error names both")
    void archiveAndPushFailuresAreBothReported() {
        write("live0", "v1");
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        onStore(() -> {
            throw new ResilienceException(ErrorCode.IO_ERROR, "archive disk full");
        });
        onPush(() -> {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "standby host down");
        });
        ResilienceException e = assertThrows(ResilienceException.class, () -> pbsNode.poll());
        assertTrue(e.getMessage().contains("archive disk full") && e.getMessage().contains("standby host down"), e.getMessage());
        NodeStatus s = pbsNode.status();
        assertFalse(s.lastRun("archive").orElseThrow().ok());
        assertFalse(s.lastRun("push").orElseThrow().ok());
        assertEquals(id, s.pending());
        assertEquals(Optional.empty(), import1.poll());
        onStore(null);
        onPush(null);
        assertEquals(Optional.of(id), pbsNode.poll());
        assertEquals(Optional.of(id), import1.poll());
        assertEquals(1, archived().size());
    }

    @Test
    @DisplayName("an announced backup its leader does not have, sorting after every real one, does not wedge the pull")
    void missingAnnouncedBackupDoesNotWedge() {
        cycle("v1");
        write("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        BackupId real = leader.exportNow();
        // A damaged announcement (same epoch and sequence, a valid but later time) arrives after the real one.
        BackupId bogus = new BackupId("2036" + real.value().substring(4));
        new MemoryTransportProvider().open(db0, Settings.empty()).send(pbs,
                new Message(Message.Type.BACKUP_PUBLISHED, db0.toString(), Epoch.INITIAL, bogus, clock.instant(), 2));
        ResilienceException e = assertThrows(ResilienceException.class, () -> pbsNode.poll());
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
        assertNull(pbsNode.status().pending(), "the job of a backup its source does not have stays pending");
        leader.announceLatest();
        assertEquals(Optional.of(real), pbsNode.poll(), "the real backup, announced again, is not taken");
        assertEquals(Optional.of(real), import1.poll());
        assertEquals("v2", data("db1"));
    }

    @Test
    @DisplayName("a re-sent announcement is a no-op")
    void resentAnnouncementIsNoOp() {
        BackupId id = cycle("v1");
        new MemoryTransportProvider().open(db0, Settings.empty()).send(pbs,
                new Message(Message.Type.BACKUP_PUBLISHED, db0.toString(), Epoch.INITIAL, id, clock.instant()));
        assertEquals(Optional.empty(), pbsNode.poll());
        assertEquals(1, archived().size());
    }

    @Test
    @DisplayName("a backup changed after its manifest was written is refused by the pull-backup node; standbys keep their state")
    void tamperedBackupRefusedAtPull() throws IOException {
        cycle("v1");
        write("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        // Same size, other bytes: only the digest can tell.
        Files.writeString(dir.resolve("db0/backup").resolve(id.value()).resolve("data/part-0000.tsv"), "data\tvX\n");
        ResilienceException e = assertThrows(ResilienceException.class, () -> pbsNode.poll());
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/part-0000.tsv was changed"), e.getMessage());
        NodeStatus s = pbsNode.status();
        assertFalse(s.healthy());
        assertFalse(s.lastRun("pull").orElseThrow().ok());
        assertEquals(id, s.pending(), "the job stays pending for a retry");
        assertEquals(1, archived().size(), "nothing archived");
        assertEquals(Optional.empty(), import1.poll(), "nothing pushed");
        assertEquals("v1", data("db1"));
    }

    @Test
    @DisplayName("a backup damaged on the import node is not imported; the last good state stays")
    void tamperedBackupRefusedAtImport() throws IOException {
        BackupId good = cycle("v1");
        write("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        pbsNode.poll();
        Files.delete(dir.resolve("db1/backup").resolve(id.value()).resolve("data/part-0000.tsv"));
        ResilienceException e = assertThrows(ResilienceException.class, () -> import1.poll());
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/part-0000.tsv was removed"), e.getMessage());
        assertEquals("v1", data("db1"));
        assertEquals(good, import1.status().lastImport().backupId());
        assertEquals(Optional.of(id), import2.poll());
    }

    @Test
    @DisplayName("a failed export is retried after a growing wait, and reported as a failure when retries run out")
    void exportRetries() {
        List<Duration> pauses = new java.util.ArrayList<>();
        leader.close();
        leader = node("db0", NodeRole.EXPORT).set("memory.store", "live0" + suffix).set("export.notify", pbs.toString())
                .set("export.retries", "2").set("export.retry-delay", "10s").random(() -> 0.5)
                .pause((d, c) -> {
                    pauses.add(d);
                    clock.advance(d);
                }).build();
        write("live0", "v1");
        store("live0").failNextExports(2);
        BackupId id = leader.exportNow();
        assertTrue(leader.status().lastRun("export").orElseThrow().ok());
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), pauses, "tries are not back to back");
        store("live0").failNextExports(3);
        clock.advance(Duration.ofMinutes(60));
        ResilienceException e = assertThrows(ResilienceException.class, () -> leader.exportNow());
        assertEquals(ErrorCode.TOOL_FAILED, e.code());
        assertFalse(leader.status().healthy());
        assertEquals(List.of(id), leader.status().published(), "a failed export publishes nothing");
    }

    @Test
    @DisplayName("a second export started while one runs refuses with a clear message")
    void twoExportsAtOnce() throws Exception {
        write("live0", "v1");
        CountDownLatch block = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        store("live0").onExport(() -> {
            started.countDown();
            try {
                if (!block.await(30, TimeUnit.SECONDS)) {
                    throw new ResilienceException(ErrorCode.INTERNAL, "the export was held for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<BackupId> first = CompletableFuture.supplyAsync(() -> leader.exportNow());
        assertTrue(started.await(30, TimeUnit.SECONDS));
        ResilienceException e = assertThrows(ResilienceException.class, () -> leader.exportNow());
        assertEquals(ErrorCode.LOCKED, e.code());
        assertTrue(e.getMessage().contains("another operation is running"), e.getMessage());
        block.countDown();
        assertTrue(first.get(30, TimeUnit.SECONDS) != null);
    }

    @Test
    @DisplayName("takeover promotes the standby with the newest import and fences the old leader")
    void takeoverAndFencing() {
        cycle("v1");
        write("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        BackupId newest = leader.exportNow();
        pbsNode.poll();
        import2.poll();
        assertEquals(newest, import2.status().lastImport().backupId());
        var winner = Takeover.choose(List.of(import1, import2)).orElseThrow();
        assertEquals("db2", winner.name(), "db2 holds the newest import");
        Epoch epoch = Takeover.promote(winner, List.of(import1, import2, pbsNode), List.of(pbs, db1));
        assertEquals(new Epoch(1), epoch);
        assertEquals(NodeRole.EXPORT, import2.status().role());
        assertEquals(Optional.of(new Epoch(1)), store("db2").promotedIn());

        // The old leader has not heard of the takeover: its next announcement is refused by the pull-backup node.
        write("live0", "split-brain write");
        clock.advance(Duration.ofMinutes(60));
        write("db2", "v2+");
        BackupId fromNew = import2.exportNow();
        BackupId fromOld = leader.exportNow();
        assertEquals(Optional.of(fromNew), pbsNode.poll());
        assertEquals(new Epoch(1), pbsNode.status().epoch());
        assertEquals(Optional.of(fromNew), import1.poll());
        assertEquals("v2+", data("db1"));
        assertTrue(archived().stream().noneMatch(g -> g.backupId().equals(fromOld)));

        // Once told, the old leader demotes itself and refuses to export.
        Takeover.tell(import2, List.of(db0));
        ResilienceException e = assertThrows(ResilienceException.class, () -> leader.exportNow());
        assertEquals(ErrorCode.WRONG_STATE, e.code());
        assertEquals(NodeRole.IMPORT, leader.status().role());
    }

    @Test
    @DisplayName("a promoted node that led before exports at once, not when its old term's plan said")
    void promotedFormerLeaderExportsAtOnce() throws IOException {
        cycle("v1");
        // db1 led in an earlier term: its schedule still holds a leader's plan, the next export an interval away.
        Path plan = dir.resolve("db0/state/schedule");
        assertTrue(leader.nextExportDue().orElseThrow().isAfter(clock.instant()), "the leader plans its next export");
        Files.copy(plan, dir.resolve("db1/state/schedule"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Takeover.promote(import1, List.of(import1, import2, pbsNode), List.of(pbs));
        assertEquals(NodeRole.EXPORT, import1.status().role());
        assertEquals(Optional.of(Instant.EPOCH), import1.nextExportDue(), "the new leader's export is due at once");
    }

    @Test
    @DisplayName("a manual takeover ranks like the election: a newer epoch wins over a later backup time, then priority")
    void takeoverRanksByEpochNotClock() {
        // db1 holds the old leader's last backup; db2 one from a newer leader (epoch 1) whose clock is 2 h behind.
        lastImport(import1, "20261125T110000.000Z-db0", Instant.parse("2026-11-25T11:00:00Z"), new Epoch(0), 7);
        lastImport(import2, "20261125T090000.000Z-db3", Instant.parse("2026-11-25T09:00:00Z"), new Epoch(1), 1);
        assertEquals("db2", Takeover.choose(List.of(import1, import2)).orElseThrow().name(),
                "the standby with the newer epoch holds the newer data, whatever its backup's clock time says");
        // Same epoch: the higher sequence wins, even with an older time.
        lastImport(import1, "20261125T080000.000Z-db3", Instant.parse("2026-11-25T08:00:00Z"), new Epoch(1), 2);
        assertEquals("db1", Takeover.choose(List.of(import1, import2)).orElseThrow().name());
        // Equally new imports: node.priority decides, as in the election, before the name.
        lastImport(import1, "20261125T090000.000Z-db3", Instant.parse("2026-11-25T09:00:00Z"), new Epoch(1), 1);
        assertEquals("db1", Takeover.choose(List.of(import2, import1)).orElseThrow().name(), "equal: the name sorting first");
        import2.close();
        import2 = node("db2", NodeRole.IMPORT).set("memory.store", "db2" + suffix).set("export.notify", pbs.toString())
                .set("node.priority", "5").build();
        assertEquals("db2", Takeover.choose(List.of(import1, import2)).orElseThrow().name(), "the higher priority");
    }

    private static void lastImport(ResilientNode n, String id, Instant time, Epoch epoch, long sequence) {
        new org.resilient.core.node.NodeState(n.node().layout()).setLastImport(new ImportState(new BackupId(id), time,
                time.plusSeconds(60), "sha256:" + "0".repeat(64), epoch, sequence));
    }

    @Test
    @DisplayName("a node that never imported cannot be promoted")
    void promoteWithoutImportRefused() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> Takeover.promote(import1, List.of(), List.of()));
        assertEquals(ErrorCode.WRONG_STATE, e.code());
        assertNull(import1.status().lastImport());
    }

    @Test
    @DisplayName("a node config with problems reports them all at once")
    void badConfig() {
        ResilienceException e = assertThrows(ResilienceException.class, () -> Resilient.node("x", NodeRole.EXPORT)
                .component("memory").directory(dir.resolve("x")).set("node.uri", uri("x").toString())
                .set("memory.stor", "x").set("export.retries", "many").build());
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("did you mean 'memory.store'") && e.getMessage().contains("export.retries"),
                e.getMessage());
        ResilienceException unknown = assertThrows(ResilienceException.class, () -> Resilient.node("x", NodeRole.EXPORT)
                .component("nosuch").directory(dir.resolve("x")).set("node.uri", uri("x").toString()).build());
        assertEquals(ErrorCode.UNKNOWN_PROVIDER, unknown.code());
    }
}
