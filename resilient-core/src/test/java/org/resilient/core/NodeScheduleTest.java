package org.resilient.core;

import org.resilient.api.NodeRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Message;
import org.resilient.api.Settings;
import org.resilient.testkit.ManualClock;
import org.resilient.testkit.memory.MemoryArchiveProvider;
import org.resilient.testkit.memory.MemoryNetwork;
import org.resilient.testkit.memory.MemoryStore;
import org.resilient.testkit.memory.MemoryTransportProvider;

/**
 * The schedule of a running node, round by round on a manual clock: exports when due (also after a restart),
 * backoff after failures, no re-run of a failing job on every poll, and announcing what was published but not
 * announced. The nodes run on the test kit's in-memory component, transport and archive; store, node and archive
 * names carry a per-test suffix because they are process-wide.
 *
 * <p>A pull-backup node that cannot be told is one that does not exist on the in-memory network (yet): a send to
 * it fails with {@code UNREACHABLE}, as to a host that is down. What it was told is read as the pull-backup node
 * itself would, by receiving on a transport opened for it.
 */
class NodeScheduleTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    final String suffix = "-" + java.util.UUID.randomUUID();
    URI pbs;
    List<ResilientNode> open = new ArrayList<>();
    /** Export attempts of the leader's store, failed or not (counted by the store's export hook). */
    AtomicInteger exportTries = new AtomicInteger();

    @BeforeEach
    void reset() {
        write("live0", "v1");
        store("live0").onExport(exportTries::incrementAndGet);
        pbs = uri("pbs1");
        pbsUp();
    }

    @AfterEach
    void close() {
        open.forEach(ResilientNode::close);
        for (String name : List.of("db0", "pbs1", "db1")) {
            MemoryNetwork.remove(name + suffix);
        }
        for (String name : List.of("live0", "pbs1", "db1")) {
            MemoryStore.drop(name + suffix);
        }
        MemoryArchiveProvider.drop("archive" + suffix);
    }

    private MemoryStore store(String name) {
        return MemoryStore.named(name + suffix);
    }

    /** The value a memory store holds (one key: "data"), or null. */
    private String data(String name) {
        return store(name).get("data").orElse(null);
    }

    private void write(String name, String value) {
        store(name).put("data", value);
    }

    private URI uri(String name) {
        return MemoryNetwork.uri(name + suffix);
    }

    /** Makes the pull-backup node reachable: from now on sends to it arrive in its inbox. */
    private void pbsUp() {
        MemoryNetwork.node("pbs1" + suffix);
    }

    /** Makes the pull-backup node unreachable, as a host that is down: sends to it fail. */
    private void pbsDown() {
        MemoryNetwork.remove("pbs1" + suffix);
    }

    /** Takes what was sent to the pull-backup node, as it would receive it (its inbox is empty afterwards). */
    private List<Message> toldPbs() {
        try (var t = new MemoryTransportProvider().open(pbs, Settings.empty())) {
            return t.receive();
        }
    }

    private Resilient.Builder node(String name, NodeRole role) {
        return Resilient.node(name, role).component("memory").directory(dir.resolve(name))
                .set("node.uri", uri(name).toString()).clock(clock).random(() -> 0.5)
                .set("node.retry-delay", "1m").set("node.retry-max-delay", "30m");
    }

    private ResilientNode leader() {
        return track(node("db0", NodeRole.EXPORT).set("memory.store", "live0" + suffix).set("export.notify", pbs.toString())
                .set("export.interval", "60m").set("export.jitter", "0s").set("export.retries", "0").build());
    }

    private ResilientNode track(ResilientNode n) {
        open.add(n);
        return n;
    }

    /** One round of the node's work loop, as its thread runs it, without the thread. */
    private static void round(ResilientNode n) {
        new NodeRunner(n.node(), Cancellation.create(), Duration.ofSeconds(1)).round();
    }

    private int exports(ResilientNode n) {
        return n.status().published().size();
    }

    @Test
    @DisplayName("a new leader exports at once, then once the interval has passed, not before")
    void exportsOnSchedule() {
        ResilientNode leader = leader();
        round(leader);
        assertEquals(1, exports(leader));
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(60))), leader.nextExportDue());
        clock.advance(Duration.ofMinutes(59));
        round(leader);
        assertEquals(1, exports(leader));
        clock.advance(Duration.ofMinutes(1));
        round(leader);
        assertEquals(2, exports(leader));
    }

    @Test
    @DisplayName("after a restart an overdue export runs at once, and one not due yet waits for its time")
    void restart() {
        ResilientNode first = leader();
        round(first);
        first.close();
        clock.advance(Duration.ofMinutes(20));
        ResilientNode early = leader();
        round(early);
        assertEquals(1, exports(early), "not due 20 minutes after the last export");
        early.close();
        clock.advance(Duration.ofHours(2));
        ResilientNode late = leader();
        round(late);
        assertEquals(2, exports(late), "overdue: exported at once after the restart");
    }

    @Test
    @DisplayName("a failing scheduled export is tried again after a doubling wait, reported each time, and recovers")
    void exportBackoff() {
        ResilientNode leader = leader();
        store("live0").failNextExports(1000);
        round(leader);
        assertEquals(1, exportTries.get());
        assertFalse(leader.status().lastRun("export").orElseThrow().ok());
        round(leader);
        clock.advance(Duration.ofSeconds(59));
        round(leader);
        assertEquals(1, exportTries.get(), "not tried again before the first wait (1m)");
        clock.advance(Duration.ofSeconds(1));
        round(leader);
        assertEquals(2, exportTries.get());
        clock.advance(Duration.ofSeconds(119));
        round(leader);
        assertEquals(2, exportTries.get(), "the second wait is 2m");
        clock.advance(Duration.ofSeconds(1));
        round(leader);
        assertEquals(3, exportTries.get());
        store("live0").failNextExports(0);
        clock.advance(Duration.ofMinutes(4));
        round(leader);
        assertEquals(1, exports(leader));
        assertTrue(leader.status().healthy());
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(60))), leader.nextExportDue(),
                "after a success the schedule is regular again");
    }

    @Test
    @DisplayName("a failed import is not run again on every poll, but after its backoff; a newer backup is tried at once")
    void importBackoff() throws IOException {
        ResilientNode leader = leader();
        ResilientNode pbsNode = track(node("pbs1", NodeRole.PULL_BACKUP).set("pbs.source", uri("db0").toString())
                .set("pbs.targets", uri("db1").toString()).set("memory.store", "pbs1" + suffix)
                .set("pbs.archive", MemoryNetwork.uri("archive" + suffix).toString()).build());
        ResilientNode db1 = track(node("db1", NodeRole.IMPORT).set("memory.store", "db1" + suffix).build());
        round(leader);
        round(pbsNode);
        BackupId id = leader.status().published().get(0);
        Path data = dir.resolve("db1/backup").resolve(id.value()).resolve("data/part-0000.tsv");
        Files.writeString(data, "damaged");
        round(db1);
        StepOutcome failed = db1.status().lastRun("import").orElseThrow();
        assertFalse(failed.ok());
        clock.advance(Duration.ofSeconds(30));
        round(db1);
        assertEquals(failed, db1.status().lastRun("import").orElseThrow(), "not run again within its backoff");
        clock.advance(Duration.ofSeconds(30));
        round(db1);
        StepOutcome again = db1.status().lastRun("import").orElseThrow();
        assertEquals(clock.instant(), again.time(), "run again once the backoff passed");
        assertFalse(again.ok());
        assertEquals(null, data("db1"), "nothing imported");
        write("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        round(leader);
        round(pbsNode);
        round(db1);
        assertTrue(db1.status().lastRun("import").orElseThrow().ok(), "a newer backup does not wait for the old one's backoff");
        assertEquals("v2", data("db1"));
    }

    @Test
    @DisplayName("a leader announces at start the backup it published but could not announce; once announced, not again")
    void announcesWhatWasNotAnnounced() {
        ResilientNode first = leader();
        pbsDown();
        round(first);
        BackupId id = first.status().published().get(0);
        StepOutcome announce = first.status().lastRun("announce").orElseThrow();
        assertFalse(announce.ok());
        assertTrue(announce.message().contains("does not exist"), "failed as the pull-backup node is unreachable: "
                + announce.message());
        assertTrue(first.status().lastRun("export").orElseThrow().ok());
        first.close();
        pbsUp();
        assertTrue(toldPbs().isEmpty(), "nothing reached the pull-backup node while it was down");
        ResilientNode restarted = leader();
        round(restarted);
        List<Message> sent = toldPbs();
        assertEquals(1, sent.size());
        assertEquals(id, sent.get(0).backupId());
        assertEquals(1, exports(restarted), "announced, not exported again");
        assertTrue(restarted.status().healthy());
        restarted.close();
        round(leader());
        assertTrue(toldPbs().isEmpty(), "an announced backup is not announced again");
    }

    @Test
    @DisplayName("a running node's failed announcement is tried again after a backoff, without exporting again")
    void announceRetriedWhileRunning() {
        ResilientNode leader = leader();
        pbsDown();
        NodeRunner runner = new NodeRunner(leader.node(), Cancellation.create(), Duration.ofSeconds(1));
        runner.round();
        assertFalse(leader.status().lastRun("announce").orElseThrow().ok());
        runner.round();
        pbsUp();
        runner.round();
        assertTrue(toldPbs().isEmpty(), "waits for its backoff");
        clock.advance(Duration.ofMinutes(1));
        runner.round();
        assertEquals(1, toldPbs().size());
        assertEquals(1, exports(leader));
    }
}
