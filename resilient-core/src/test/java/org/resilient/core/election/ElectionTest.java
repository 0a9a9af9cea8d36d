package org.resilient.core.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.BackupId;
import org.resilient.api.BackupRef;
import org.resilient.api.Epoch;
import org.resilient.api.ImportInProgress;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.core.election.ElectionDecision.Outcome;

class ElectionTest {
    static final Instant START = Instant.parse("2026-11-25T16:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(30);
    final Election election = new Election(WAIT);

    static BackupRef backup(long epoch, long sequence) {
        return new BackupRef(new BackupId("b-" + epoch + "-" + sequence), new Epoch(epoch), sequence,
                START.minusSeconds(1000 - sequence));
    }

    static MemberState standby(String name, BackupRef good) {
        return new MemberState(name, NodeRole.IMPORT, new Epoch(3), good, null, 0, true, START);
    }

    static MemberState importing(MemberState m, BackupRef backup) {
        return m.withImportInProgress(new ImportInProgress(backup, START.minusSeconds(5)));
    }

    ElectionDecision decideNow(MemberState... members) {
        return election.decide(List.of(members), START, START);
    }

    ElectionDecision decideAfterWait(MemberState... members) {
        return election.decide(List.of(members), START, START.plus(WAIT));
    }

    @Nested
    @DisplayName("the best candidate")
    class Best {
        @Test
        @DisplayName("has the newest good import: a higher epoch beats a higher sequence")
        void epochFirst() {
            ElectionDecision d = decideNow(standby("db1", backup(2, 90)), standby("db2", backup(3, 1)));
            assertEquals(Outcome.ELECT, d.outcome());
            assertEquals("db2", d.candidate().name());
            assertTrue(d.reason().contains("db2 has the newest good import"), d.reason());
        }

        @Test
        @DisplayName("in the same epoch, has the higher sequence")
        void sequenceSecond() {
            assertEquals("db1", decideNow(standby("db1", backup(3, 8)), standby("db2", backup(3, 7))).candidate().name());
        }

        @Test
        @DisplayName("among equal good imports, has the higher node.priority")
        void priorityThird() {
            ElectionDecision d = decideNow(standby("db1", backup(3, 8)), standby("db2", backup(3, 8)).withPriority(5));
            assertEquals("db2", d.candidate().name());
            assertTrue(d.reason().contains("tied with db1") && d.reason().contains("priority"), d.reason());
        }

        @Test
        @DisplayName("among equal good imports and priorities, has the name that sorts first")
        void nameLast() {
            ElectionDecision d = decideNow(standby("db2", backup(3, 8)), standby("db1", backup(3, 8)));
            assertEquals("db1", d.candidate().name());
            assertTrue(d.reason().contains("first name"), d.reason());
        }

        @Test
        @DisplayName("is never an unhealthy node, the leader or a pull-backup node")
        void onlyHealthyImports() {
            MemberState leader = standby("db0", backup(4, 1)).withRole(NodeRole.EXPORT, new Epoch(4));
            MemberState pbs = standby("pbs1", backup(4, 1)).withRole(NodeRole.PULL_BACKUP, new Epoch(4));
            MemberState sick = standby("db1", backup(3, 9)).withHealthy(false);
            assertEquals("db2", decideNow(leader, pbs, sick, standby("db2", backup(3, 2))).candidate().name());
        }

        @Test
        @DisplayName("does not depend on the order the states come in")
        void orderIndependent() {
            List<MemberState> members = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                members.add(standby("db" + i, backup(2 + i % 3, i % 4)).withPriority(i % 2));
            }
            String expected = election.decide(members, START, START).candidate().name();
            Random random = new Random(15);
            for (int i = 0; i < 50; i++) {
                Collections.shuffle(members, random);
                assertEquals(expected, election.decide(members, START, START).candidate().name());
            }
            assertEquals(expected, election.rank(members).get(0).name());
        }
    }

    @Nested
    @DisplayName("no candidate")
    class NoCandidate {
        @Test
        @DisplayName("when no import node has a good import: none, saying why for each")
        void noGoodImport() {
            ElectionDecision d = decideAfterWait(standby("db1", null), standby("db2", backup(3, 3)).withHealthy(false));
            assertEquals(Outcome.NONE, d.outcome());
            assertNull(d.candidate());
            assertTrue(d.reason().contains("db1: no good import") && d.reason().contains("db2: unhealthy"), d.reason());
        }

        @Test
        @DisplayName("when there is no import node at all")
        void noImportNodes() {
            MemberState pbs = standby("pbs1", null).withRole(NodeRole.PULL_BACKUP, new Epoch(3));
            ElectionDecision d = decideNow(pbs);
            assertEquals(Outcome.NONE, d.outcome());
            assertTrue(d.reason().contains("no import node is a member"), d.reason());
        }

        @Test
        @DisplayName("waits, within the bound, for a node importing its first backup, then gives up")
        void firstImportInProgress() {
            MemberState db1 = importing(standby("db1", null), backup(3, 1));
            assertEquals(Outcome.WAIT, decideNow(db1).outcome());
            assertEquals(Outcome.NONE, decideAfterWait(db1).outcome());
        }
    }

    @Nested
    @DisplayName("imports in progress")
    class ImportsInProgress {
        @Test
        @DisplayName("the best candidate finishes its import first: wait, bounded, then the next candidate")
        void bestImporting() {
            MemberState db1 = importing(standby("db1", backup(3, 9)), backup(3, 10));
            MemberState db2 = standby("db2", backup(3, 8));
            ElectionDecision now = decideNow(db1, db2);
            assertEquals(Outcome.WAIT, now.outcome());
            assertEquals("db1", now.candidate().name());
            assertEquals(START.plus(WAIT), now.waitUntil());
            assertEquals(Outcome.WAIT, election.decide(List.of(db1, db2), START, START.plus(WAIT).minusMillis(1)).outcome());
            ElectionDecision later = decideAfterWait(db1, db2);
            assertEquals(Outcome.ELECT, later.outcome());
            assertEquals("db2", later.candidate().name());
            assertTrue(later.reason().contains("passed over") && later.reason().contains("db1"), later.reason());
        }

        @Test
        @DisplayName("once the import finished well, its node is elected without waiting")
        void finishedImport() {
            MemberState db1 = standby("db1", backup(3, 10));
            assertEquals("db1", decideNow(db1, standby("db2", backup(3, 8))).candidate().name());
        }

        @Test
        @DisplayName("another node importing a newer backup than the best good import is waited for")
        void overtaker() {
            MemberState db1 = standby("db1", backup(3, 9));
            MemberState db2 = importing(standby("db2", backup(3, 5)), backup(3, 11));
            ElectionDecision now = decideNow(db1, db2);
            assertEquals(Outcome.WAIT, now.outcome());
            assertEquals("db2", now.candidate().name());
            assertTrue(now.reason().contains("newer than the best good import"), now.reason());
            assertEquals("db1", decideAfterWait(db1, db2).candidate().name());
        }

        @Test
        @DisplayName("an import of an older backup than the best good import is not waited for")
        void olderImportIgnored() {
            MemberState db1 = standby("db1", backup(3, 9));
            MemberState db2 = importing(standby("db2", backup(3, 5)), backup(3, 6));
            assertEquals(Outcome.ELECT, decideNow(db1, db2).outcome());
        }

        @Test
        @DisplayName("when every candidate is still importing after the wait, the best is elected anyway")
        void allImporting() {
            MemberState db1 = importing(standby("db1", backup(3, 9)), backup(3, 10));
            MemberState db2 = importing(standby("db2", backup(3, 8)), backup(3, 10));
            ElectionDecision d = decideAfterWait(db1, db2);
            assertEquals("db1", d.candidate().name());
            assertTrue(d.reason().contains("cancel its import"), d.reason());
        }

        @Test
        @DisplayName("with no wait configured, nothing is waited for")
        void noWait() {
            MemberState db1 = importing(standby("db1", backup(3, 9)), backup(3, 10));
            ElectionDecision d = new Election(Duration.ZERO).decide(List.of(db1, standby("db2", backup(3, 8))), START, START);
            assertEquals("db2", d.candidate().name());
        }
    }

    @Test
    @DisplayName("a negative wait and inconsistent decisions are refused")
    void invalid() {
        assertThrows(IllegalArgumentException.class, () -> new Election(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new ElectionDecision(Outcome.ELECT, null, null, "x"));
        assertThrows(IllegalArgumentException.class,
                () -> new ElectionDecision(Outcome.WAIT, standby("db1", null), null, "x"));
    }
}
