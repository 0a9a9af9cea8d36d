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
        return new JobQueue.Job(new BackupId(id), URI.create("file:/n0"), Epoch.INITIAL);
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
