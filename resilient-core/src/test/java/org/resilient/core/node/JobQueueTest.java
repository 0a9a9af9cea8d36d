package org.resilient.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;

class JobQueueTest {
    @TempDir
    Path dir;

    private static JobQueue.Job job(String id) {
        return new JobQueue.Job(new BackupId(id), URI.create("file:/n0"), Epoch.INITIAL, 0);
    }

    private static JobQueue.Job job(String id, long epoch, long sequence) {
        return new JobQueue.Job(new BackupId(id), URI.create("file:/n" + epoch), new Epoch(epoch), sequence);
    }

    @Test
    @DisplayName("a backup of a newer epoch is newer, even when its id (the new leader's clock) sorts before")
    void newerEpochWinsOverClock() {
        JobQueue q = new JobQueue(dir.resolve("queue"));
        assertTrue(q.offer(job("20261201T120000.000Z-db0", 1, 9)));
        q.succeeded(job("20261201T120000.000Z-db0", 1, 9));
        assertTrue(q.offer(job("20261201T115000.000Z-db1", 2, 1)), "the new leader's clock is 10 minutes behind");
        assertFalse(q.offer(job("20261201T130000.000Z-db0", 1, 10)), "the deposed leader's later backup is older");
        assertEquals("20261201T115000.000Z-db1", q.pending().orElseThrow().backupId().value());
    }

    @Test
    @DisplayName("within an epoch, the leader's sequence orders backups, not the clock in their ids")
    void sequenceOrdersWithinAnEpoch() {
        JobQueue q = new JobQueue(dir.resolve("queue"));
        assertTrue(q.offer(job("20261201T120000.000Z-db0", 1, 5)));
        assertTrue(q.offer(job("20261201T110000.000Z-db0", 1, 6)), "the clock stepped back between two exports");
        assertFalse(q.offer(job("20261201T130000.000Z-db0", 1, 4)));
        assertEquals(6, q.pending().orElseThrow().sequence());
    }

    @Test
    @DisplayName("a queue written before epochs were recorded still skips what it handled")
    void oldStateFiles() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("queue"), "last-ok=b2\n");
        JobQueue q = new JobQueue(dir.resolve("queue"));
        assertFalse(q.offer(job("b1", 0, 3)));
        assertTrue(q.offer(job("b3", 0, 1)));
    }

    @Test
    @DisplayName("a newer announcement supersedes a pending older one (coalescing)")
    void coalesces() {
        JobQueue q = new JobQueue(dir.resolve("queue"));
        assertTrue(q.offer(job("b1")));
        assertTrue(q.offer(job("b3")));
        assertFalse(q.offer(job("b2")), "older than the pending one");
        assertEquals("b3", q.pending().orElseThrow().backupId().value());
    }

    @Test
    @DisplayName("a re-sent announcement of a handled backup is a no-op (idempotent)")
    void idempotent() {
        JobQueue q = new JobQueue(dir.resolve("queue"));
        q.offer(job("b1"));
        q.succeeded(job("b1"));
        assertFalse(q.offer(job("b1")));
        assertTrue(q.pending().isEmpty());
        assertEquals("b1", q.lastSuccessful().orElseThrow().value());
    }

    @Test
    @DisplayName("a failed job stays pending across restarts until it succeeds")
    void retries() {
        JobQueue q = new JobQueue(dir.resolve("queue"));
        q.offer(job("b1"));
        JobQueue reopened = new JobQueue(dir.resolve("queue"));
        assertEquals("b1", reopened.pending().orElseThrow().backupId().value());
        reopened.succeeded(job("b1"));
        assertTrue(new JobQueue(dir.resolve("queue")).pending().isEmpty());
    }
}
