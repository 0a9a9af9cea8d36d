package org.resilient.core.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

@DisplayName("LockFile")
class LockFileTest {
    @TempDir
    Path tmp;

    /** The pid of a process that has certainly exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private void writeLock(Path lock, String host, long pid, String processStart) throws Exception {
        Files.writeString(lock, "host=" + host + "\npid=" + pid + "\nprocess-start=" + processStart
                + "\nsince=2026-11-25T10:00:00Z\ntoken=other\n");
    }

    @Test
    @DisplayName("is exclusive while held, names its holder, and is free again once released")
    @SuppressWarnings("try") // the resource is held for its effect
    void exclusive() {
        Path lock = tmp.resolve("lock");
        try (LockFile held = LockFile.acquire(lock, "archive x", Clock.systemUTC())) {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> LockFile.acquire(lock, "archive x", Clock.systemUTC()));
            assertEquals(ErrorCode.LOCKED, e.code());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains(LockFile.hostName()), e.getMessage());
        }
        assertFalse(Files.exists(lock));
        LockFile.acquire(lock, "archive x", Clock.systemUTC()).close();
    }

    @Test
    @DisplayName("a lock held by a live process on this host is LOCKED")
    void liveHolder() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path lock = tmp.resolve("lock");
            writeLock(lock, LockFile.hostName(), sleeper.pid(),
                    sleeper.info().startInstant().map(Instant::toString).orElse(""));
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> LockFile.acquire(lock, "archive x", Clock.systemUTC()));
            assertEquals(ErrorCode.LOCKED, e.code());
            assertTrue(e.getMessage().contains("pid " + sleeper.pid()), e.getMessage());
            assertTrue(Files.readString(lock).contains("pid=" + sleeper.pid()), "the holder's lock is untouched");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    @DisplayName("a lock of a dead process on this host is taken over")
    @SuppressWarnings("try") // the resource is held for its effect
    void staleTakeover() throws Exception {
        Path lock = tmp.resolve("lock");
        writeLock(lock, LockFile.hostName(), deadPid(), "");
        try (LockFile held = LockFile.acquire(lock, "archive x", Clock.systemUTC())) {
            assertTrue(Files.readString(lock).contains("pid=" + ProcessHandle.current().pid()));
        }
        assertFalse(Files.exists(lock));
    }

    @Test
    @DisplayName("a lock whose pid now belongs to a newer process is taken over")
    void reusedPid() throws Exception {
        Path lock = tmp.resolve("lock");
        // Our own pid, but "started" long before this JVM: the recorded holder must be gone.
        writeLock(lock, LockFile.hostName(), ProcessHandle.current().pid(), "2000-01-01T00:00:00Z");
        LockFile.acquire(lock, "archive x", Clock.systemUTC()).close();
    }

    @Test
    @DisplayName("a lock from another host is LOCKED, saying how to remove it if its holder is gone")
    void otherHost() throws Exception {
        Path lock = tmp.resolve("lock");
        writeLock(lock, "some-other-host.example", deadPid(), "");
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> LockFile.acquire(lock, "archive x", Clock.systemUTC()));
        assertEquals(ErrorCode.LOCKED, e.code());
        assertTrue(e.getMessage().contains("some-other-host.example") && e.getMessage().contains("delete " + lock),
                e.getMessage());
    }

    @Test
    @DisplayName("release leaves alone a lock that another process took over meanwhile")
    void releaseOnlyOwn() throws Exception {
        Path lock = tmp.resolve("lock");
        LockFile held = LockFile.acquire(lock, "archive x", Clock.systemUTC());
        writeLock(lock, "other", 1, "");
        held.close();
        assertTrue(Files.exists(lock));
    }
}
