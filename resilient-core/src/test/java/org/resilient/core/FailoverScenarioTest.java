package org.resilient.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.core.failover.WatchedFilesComponent;

/**
 * Automatic failover with real parts: the {@code files} component, the {@code file:} transport, the copy archive
 * and the {@code embedded} coordinator, every node's work loop driven round by round on a manual clock (see
 * {@link FailoverCluster}). Default timings: lease 5 s, heartbeat 1 s, one round a second.
 */
class FailoverScenarioTest {
    @TempDir
    Path dir;
    FailoverCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private FailoverCluster cluster(int imports) {
        cluster = new FailoverCluster(dir, imports);
        cluster.run(Duration.ofSeconds(2)); // everyone joins; db0 takes the lease and makes its first backup
        return cluster;
    }

    private Epoch epoch(String node) {
        return cluster.node(node).epoch();
    }

    @Test
    @DisplayName("leader crash: the import node with the freshest good import is promoted, exactly once, within 10 s")
    void leaderCrash() {
        FailoverCluster c = cluster(2);
        assertEquals(List.of("db0"), c.leaders());
        c.cycle("db0", "v1");
        WatchedFilesComponent.failImports(c.live("db1"), true); // db1 misses v2: db2 is the fresher
        try {
            c.cycle("db0", "v2", List.of("db1"));
            assertEquals("v1", c.read("db1"));
            c.crash("db0");
            int rounds = c.runUntil("db2 leads", () -> c.leaders().equals(List.of("db2")), 15);
            assertTrue(rounds <= 10, "failover took " + rounds + " s");
            c.run(Duration.ofSeconds(30));
            assertEquals(List.of("db2"), c.leaders());
            assertEquals(1, WatchedFilesComponent.promoted(c.live("db2")));
            assertEquals(0, WatchedFilesComponent.promoted(c.live("db1")));
            assertEquals(new Epoch(1), epoch("db2"));
            assertEquals(new Epoch(1), epoch("db1"), "db1 learned the new epoch from the coordinator");
            assertEquals(new Epoch(1), epoch("pbs1"));
        } finally {
            WatchedFilesComponent.failImports(c.live("db1"), false);
        }
        c.cycle("db2", "v3");
        assertEquals("v3", c.read("db1"), "the pull-backup node follows the new leader and feeds db1");
        assertEquals(new Epoch(1), c.archived().get(c.archived().size() - 1).epoch());
        c.assertFenced();
    }

    @Test
    @DisplayName("racing candidates: two nodes take over at the same moment; one epoch each at most, one leader in the end")
    void racingCandidates() throws Exception {
        FailoverCluster c = cluster(2);
        c.cycle("db0", "v1");
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<String>> asks = new ArrayList<>();
        for (String n : List.of("db1", "db2")) {
            asks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    return c.member(n).failover.requestTakeover(true, "test");
                } catch (ResilienceException e) {
                    return "refused: " + e.getMessage();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> answers = new ArrayList<>();
        for (CompletableFuture<String> a : asks) {
            answers.add(a.get(20, TimeUnit.SECONDS));
        }
        c.runUntil("one leader", () -> c.leaders().size() == 1 && !c.leaders().contains("db0"), 30);
        c.run(Duration.ofSeconds(20));
        assertEquals(1, c.leaders().size(), "answers: " + answers + c.describe());
        String winner = c.leaders().get(0);
        Epoch top = epoch(winner);
        for (String n : List.of("db0", "db1", "db2", "pbs1")) {
            assertEquals(top, epoch(n), n + " knows the winner's epoch" + c.describe());
        }
        int promotions = WatchedFilesComponent.promoted(c.live("db1")) + WatchedFilesComponent.promoted(c.live("db2"));
        assertTrue(promotions <= top.value(), "at most one promotion per epoch taken: " + promotions + " in " + top);
        c.cycle(winner, "v2");
        c.assertFenced();
    }

    @Test
    @DisplayName("a leader cut off from the coordinator stops exporting before any other node can take the lease")
    void cutOffLeaderStopsFirst() {
        FailoverCluster c = cluster(1);
        c.cycle("db0", "v1");
        c.member("db0").coordinator.cut(true);
        long lastExport = -1;
        long firstOther = -1;
        for (int second = 0; second < 20 && firstOther < 0; second++) {
            c.step();
            try {
                c.node("db0").exportNow();
                lastExport = second;
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.WRONG_STATE, e.code(), e.getMessage());
            }
            if (c.leaders().contains("db1")) {
                firstOther = second;
            }
        }
        assertTrue(firstOther > 0, "db1 took over" + c.describe());
        // The lease ends for its holder a margin (1 s, one round) before it can be taken: an export in the round before
        // db1 leads would be within that margin (it is what a leader that ignores its lease does).
        assertTrue(lastExport <= firstOther - 2, "db0 exported at " + lastExport + " s, db1 led at " + firstOther + " s");
        assertTrue(lastExport < 5, "db0 stopped exporting within its lease: " + lastExport);
        c.member("db0").coordinator.cut(false);
        c.run(Duration.ofSeconds(3));
        assertEquals(List.of("db1"), c.leaders(), "the cut-off leader learned the new epoch and was deposed");
        assertEquals(NodeRole.IMPORT, c.node("db0").role());
        c.cycle("db1", "v2");
        assertEquals("v2", c.read("db0"), "the old leader is re-seeded by the new leader's backup");
        c.assertFenced();
    }

    @Test
    @DisplayName("takeover while the best candidate imports: the election waits for its import, then promotes it")
    void takeoverWaitsForImport() throws Exception {
        FailoverCluster c = cluster(2);
        c.cycle("db0", "v1");
        WatchedFilesComponent.failImports(c.live("db1"), true);
        WatchedFilesComponent.Gate gate = WatchedFilesComponent.hold(c.live("db2"));
        FailoverCluster.Member db2 = c.member("db2");
        CompletableFuture<Void> importing;
        try {
            c.write("db0", "v2");
            c.node("db0").exportNow();
            c.crash("db0");
            db2.busy = true;
            c.run(Duration.ofSeconds(2)); // pbs1 pulls v2 and pushes it to db1 (which fails it) and db2
            importing = CompletableFuture.runAsync(db2.runner::round);
            assertTrue(gate.entered().await(20, TimeUnit.SECONDS), "db2 started importing v2");
            c.run(Duration.ofSeconds(15));
            assertEquals(List.of(), c.leaders(), "nobody takes over while db2 imports a newer backup" + c.describe());
            NodeStatus s = c.node("db1").status();
            assertNotNull(s.failover());
            assertTrue(s.failover().summary().contains("db2"), s.failover().summary());
        } finally {
            gate.open().countDown();
            WatchedFilesComponent.failImports(c.live("db1"), false);
        }
        importing.get(20, TimeUnit.SECONDS);
        db2.busy = false;
        c.runUntil("db2 leads", () -> c.leaders().equals(List.of("db2")), 10);
        assertEquals("v2", c.read("db2"));
        assertEquals(1, WatchedFilesComponent.promoted(c.live("db2")));
        assertEquals(0, WatchedFilesComponent.promoted(c.live("db1")));
        c.assertFenced();
    }

    @Test
    @DisplayName("no good import anywhere: no takeover, status says why, a takeover without --force is refused")
    void noGoodImport() {
        FailoverCluster c = new FailoverCluster(dir, 2);
        cluster = c;
        c.crash("db0"); // before its first backup
        c.run(Duration.ofSeconds(30));
        assertEquals(List.of(), c.leaders());
        NodeStatus s = c.node("db1").status();
        assertFalse(s.healthy());
        assertTrue(s.failover().problem());
        assertTrue(s.failover().summary().contains("no healthy import node has a good import"), s.failover().summary());
        assertTrue(s.problems().stream().anyMatch(p -> p.startsWith("failover: ")), s.problems().toString());
        ResilienceException refused = assertThrows(ResilienceException.class,
                () -> c.member("db1").failover.requestTakeover(false, "test"));
        assertTrue(refused.getMessage().contains("has no good import"), refused.getMessage());
        assertEquals(0, WatchedFilesComponent.promoted(c.live("db1")) + WatchedFilesComponent.promoted(c.live("db2")));
    }

    @Test
    @DisplayName("a takeover asked for a node that is not the best candidate is refused without --force, with the reason")
    void takeoverNotBest() {
        FailoverCluster c = cluster(2);
        c.cycle("db0", "v1");
        WatchedFilesComponent.failImports(c.live("db1"), true);
        try {
            c.cycle("db0", "v2", List.of("db1"));
        } finally {
            WatchedFilesComponent.failImports(c.live("db1"), false);
        }
        ResilienceException refused = assertThrows(ResilienceException.class,
                () -> c.member("db1").failover.requestTakeover(false, "test"));
        assertTrue(refused.getMessage().contains("db2 is the better candidate"), refused.getMessage());
        String done = c.member("db2").failover.requestTakeover(false, "test");
        assertTrue(done.contains("epoch 0 -> 1"), done);
        c.runUntil("db2 leads", () -> c.leaders().equals(List.of("db2")), 10);
        c.run(Duration.ofSeconds(3));
        assertEquals(NodeRole.IMPORT, c.node("db0").role(), "the old leader stepped down");
        assertEquals(1, WatchedFilesComponent.demoted(c.live("db0")));
        c.cycle("db2", "v3");
        assertEquals("v3", c.read("db0"));
        c.assertFenced();
    }

    @Test
    @DisplayName("the old leader returns: it learns the new epoch before exporting, is demoted, and is re-seeded")
    void oldLeaderReturns() {
        FailoverCluster c = cluster(1);
        c.cycle("db0", "v1");
        java.time.Instant paused = c.clock.instant();
        c.pause("db0");
        c.runUntil("db1 leads", () -> c.leaders().equals(List.of("db1")), 15);
        c.cycle("db1", "v2");
        c.resume("db0");
        c.step();
        assertEquals(NodeRole.IMPORT, c.node("db0").role());
        assertEquals(new Epoch(1), epoch("db0"));
        c.step();
        assertEquals(1, WatchedFilesComponent.demoted(c.live("db0")), "its component was demoted");
        assertFalse(c.node("db0").status().lastRun("export").orElseThrow().time().isAfter(paused),
                "it exported nothing after it came back");
        ResilienceException e = assertThrows(ResilienceException.class, () -> c.node("db0").exportNow());
        assertEquals(ErrorCode.WRONG_STATE, e.code());
        c.cycle("db1", "v3");
        assertEquals("v3", c.read("db0"), "re-seeded by the new leader's backup");
        assertEquals(List.of("db1"), c.leaders());
        c.assertFenced();
    }
}
