package org.resilient.core;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.ResilienceException;
import org.resilient.core.fake.FakeArchive;
import org.resilient.core.fake.FakeComponent;
import org.resilient.core.fake.FakeTransport;
import org.resilient.core.fake.TestClock;

/**
 * The schedule of a running node, round by round on a fake clock: exports when due (also after a restart),
 * backoff after failures, no re-run of a failing job on every poll, and announcing what was published but not
 * announced.
 */
class NodeScheduleTest {
    @TempDir
    Path dir;
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    URI pbs;
    List<ResilientNode> open = new ArrayList<>();

    @BeforeEach
    void reset() {
        FakeComponent.STORES.clear();
        FakeComponent.FAIL_EXPORTS.set(0);
        FakeComponent.BLOCK_EXPORT = null;
        FakeComponent.EXPORT_STARTED = null;
        FakeTransport.INBOXES.clear();
        FakeTransport.ON_PUSH = null;
        FakeTransport.ON_SEND = null;
        FakeArchive.ON_STORE = null;
        FakeComponent.STORES.put("live0", "v1");
        pbs = uri("pbs1");
    }

    @AfterEach
    void close() {
        open.forEach(ResilientNode::close);
        FakeTransport.ON_SEND = null;
    }

    private URI uri(String name) {
        return URI.create("fake:" + dir.resolve(name));
    }

    private Resilient.Builder node(String name, Role role) {
        return Resilient.node(name, role).component("fake").directory(dir.resolve(name))
                .set("node.uri", uri(name).toString()).clock(clock).random(() -> 0.5)
                .set("node.retry-delay", "1m").set("node.retry-max-delay", "30m");
    }

    private ResilientNode leader() {
        return track(node("db0", Role.EXPORT).set("fake.live", "live0").set("export.notify", pbs.toString())
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
        FakeComponent.FAIL_EXPORTS.set(1000);
        round(leader);
        assertEquals(1, 1000 - FakeComponent.FAIL_EXPORTS.get());
        assertFalse(leader.status().lastRun("export").orElseThrow().ok());
        round(leader);
        clock.advance(Duration.ofSeconds(59));
        round(leader);
        assertEquals(1, 1000 - FakeComponent.FAIL_EXPORTS.get(), "not tried again before the first wait (1m)");
        clock.advance(Duration.ofSeconds(1));
        round(leader);
        assertEquals(2, 1000 - FakeComponent.FAIL_EXPORTS.get());
        clock.advance(Duration.ofSeconds(119));
        round(leader);
        assertEquals(2, 1000 - FakeComponent.FAIL_EXPORTS.get(), "the second wait is 2m");
        clock.advance(Duration.ofSeconds(1));
        round(leader);
        assertEquals(3, 1000 - FakeComponent.FAIL_EXPORTS.get());
        FakeComponent.FAIL_EXPORTS.set(0);
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
        ResilientNode pbsNode = track(node("pbs1", Role.PULL_BACKUP).set("pbs.source", uri("db0").toString())
                .set("pbs.targets", uri("db1").toString()).set("pbs.archive", "fake:" + dir.resolve("archive")).build());
        ResilientNode db1 = track(node("db1", Role.IMPORT).set("fake.standby", "db1").set("fake.live", "db1").build());
        round(leader);
        round(pbsNode);
        BackupId id = leader.status().published().get(0);
        Path data = dir.resolve("db1/backup").resolve(id.value()).resolve("data/data.txt");
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
        assertEquals(Optional.empty(), Optional.ofNullable(FakeComponent.STORES.get("db1")));
        FakeComponent.STORES.put("live0", "v2");
        clock.advance(Duration.ofMinutes(60));
        round(leader);
        round(pbsNode);
        round(db1);
        assertTrue(db1.status().lastRun("import").orElseThrow().ok(), "a newer backup does not wait for the old one's backoff");
        assertEquals("v2", FakeComponent.STORES.get("db1"));
    }

    @Test
    @DisplayName("a leader announces at start the backup it published but could not announce; once announced, not again")
    void announcesWhatWasNotAnnounced() {
        ResilientNode first = leader();
        FakeTransport.ON_SEND = () -> {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "pull-backup node down");
        };
        round(first);
        BackupId id = first.status().published().get(0);
        assertFalse(first.status().lastRun("announce").orElseThrow().ok());
        assertTrue(first.status().lastRun("export").orElseThrow().ok());
        first.close();
        FakeTransport.ON_SEND = null;
        assertTrue(FakeTransport.INBOXES.getOrDefault(pbs, new java.util.concurrent.ConcurrentLinkedQueue<>()).isEmpty());
        ResilientNode restarted = leader();
        round(restarted);
        List<Message> sent = new ArrayList<>(FakeTransport.INBOXES.get(pbs));
        assertEquals(1, sent.size());
        assertEquals(id, sent.get(0).backupId());
        assertEquals(1, exports(restarted), "announced, not exported again");
        assertTrue(restarted.status().healthy());
        FakeTransport.INBOXES.get(pbs).clear();
        restarted.close();
        round(leader());
        assertTrue(FakeTransport.INBOXES.get(pbs).isEmpty(), "an announced backup is not announced again");
    }

    @Test
    @DisplayName("a running node's failed announcement is tried again after a backoff, without exporting again")
    void announceRetriedWhileRunning() {
        ResilientNode leader = leader();
        FakeTransport.ON_SEND = () -> {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "pull-backup node down");
        };
        NodeRunner runner = new NodeRunner(leader.node(), Cancellation.create(), Duration.ofSeconds(1));
        runner.round();
        runner.round();
        FakeTransport.ON_SEND = null;
        runner.round();
        assertTrue(FakeTransport.INBOXES.getOrDefault(pbs, new java.util.concurrent.ConcurrentLinkedQueue<>()).isEmpty(),
                "waits for its backoff");
        clock.advance(Duration.ofMinutes(1));
        runner.round();
        assertEquals(1, FakeTransport.INBOXES.get(pbs).size());
        assertEquals(1, exports(leader));
    }
}
