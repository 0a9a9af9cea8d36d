package org.resilient.support.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

@DisplayName("LockFile")
class LockFileTest {
    @TempDir
    Path tmp;

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    /** The pid of a process that has certainly exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private LockFile take(Path lock) {
        return LockFile.acquire(lock, "archive x", "store b1", Clock.systemUTC(), warnings::add);
    }

    private ResilienceException refused(Path lock) {
        ResilienceException e = assertThrows(ResilienceException.class, () -> take(lock));
        assertEquals(ErrorCode.LOCKED, e.code(), e.getMessage());
        return e;
    }

    private static void writeLock(Path lock, String host, long pid, String processStart) throws Exception {
        Files.writeString(lock, "host=" + host + "\npid=" + pid + "\nprocess-start=" + processStart
                + "\nsince=2026-11-25T10:00:00Z\ntoken=other\n");
    }

    @Test
    @DisplayName("is exclusive while held, names its holder and operation, and is free again once released")
    @SuppressWarnings("try") // the resource is held for its effect
    void exclusive() throws Exception {
        Path lock = tmp.resolve("lock");
        try (LockFile held = take(lock)) {
            String m = refused(lock).getMessage();
            assertTrue(m.contains("locked by pid " + ProcessHandle.current().pid() + " on host "
                    + LockHolder.hostName() + " since "), m);
            assertTrue(m.contains("(store b1)"), m);
        }
        assertFalse(Files.exists(lock));
        take(lock).close();
        assertEquals(List.of(), warnings);
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "no temporary file is left");
        }
    }

    @Test
    @DisplayName("a lock held by a live process on this host is LOCKED and left untouched")
    void liveHolder() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path lock = tmp.resolve("lock");
            writeLock(lock, LockHolder.hostName(), sleeper.pid(),
                    sleeper.info().startInstant().map(Instant::toString).orElse(""));
            String m = refused(lock).getMessage();
            assertTrue(m.contains("pid " + sleeper.pid() + " on host " + LockHolder.hostName()
                    + " since 2026-11-25T10:00:00Z"), m);
            assertTrue(Files.readString(lock).contains("pid=" + sleeper.pid()), "the holder's lock is untouched");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    @DisplayName("a lock of a dead process on this host is taken over, with a warning naming the dead holder")
    @SuppressWarnings("try") // the resource is held for its effect
    void staleTakeover() throws Exception {
        Path lock = tmp.resolve("lock");
        long dead = deadPid();
        writeLock(lock, LockHolder.hostName(), dead, "");
        try (LockFile held = take(lock)) {
            assertTrue(Files.readString(lock).contains("pid=" + ProcessHandle.current().pid()));
        }
        assertFalse(Files.exists(lock));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("took over the stale lock") && warnings.get(0).contains("pid " + dead),
                warnings.get(0));
    }

    @Test
    @DisplayName("a lock written by the archive's former lock (start=, operation=) is read: LOCKED while alive, "
            + "taken over once dead")
    void formerArchiveFormat() throws Exception {
        Path lock = tmp.resolve("lock");
        Process holder = new ProcessBuilder("sleep", "60").start();
        String start = Instant.now().toString();
        try {
            Files.writeString(lock, "host=" + LockHolder.hostName() + "\npid=" + holder.pid() + "\nstart=" + start
                    + "\noperation=prune\ntoken=x\n");
            String m = refused(lock).getMessage();
            assertTrue(m.contains("pid " + holder.pid()) && m.contains("since " + start) && m.contains("(prune)"), m);
        } finally {
            holder.destroyForcibly().waitFor();
        }
        take(lock).close();
        assertFalse(Files.exists(lock));
    }

    @Test
    @DisplayName("a lock whose pid now belongs to a newer process is taken over")
    void reusedPid() throws Exception {
        Path lock = tmp.resolve("lock");
        // Our own pid, but "started" long before this JVM: the recorded holder must be gone.
        writeLock(lock, LockHolder.hostName(), ProcessHandle.current().pid(), "2000-01-01T00:00:00Z");
        take(lock).close();
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    @DisplayName("a lock from another host is LOCKED, saying how to remove it if its holder is gone")
    void otherHost() throws Exception {
        Path lock = tmp.resolve("lock");
        writeLock(lock, "some-other-host.example", deadPid(), "");
        String m = refused(lock).getMessage();
        assertTrue(m.contains("some-other-host.example") && m.contains("delete " + lock), m);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "\n\n", "garbage", "pid=\nhost=\n", "host=h\n", "pid=12\n", "pid=abc\nhost=h\n",
        "pid=-1\nhost=h\n", "pid=\\u00zz\n", "\u0000\u00ff\u00fe binary"})
    @DisplayName("an empty or damaged lock file is LOCKED, says it names no holder (never 'pid null'), and is kept")
    void garbage(String content) throws Exception {
        Path lock = tmp.resolve("lock");
        Files.write(lock, content.getBytes(StandardCharsets.ISO_8859_1));
        String m = refused(lock).getMessage();
        assertTrue(m.contains("is locked by " + lock + ", which does not name its holder"), m);
        assertFalse(m.contains("null"), m);
        assertEquals(content, Files.readString(lock, StandardCharsets.ISO_8859_1), "the lock file is untouched");
        assertEquals(List.of(), warnings);
    }

    @Test
    @DisplayName("release leaves alone a lock that another process took over meanwhile, with a warning")
    void releaseOnlyOwn() throws Exception {
        Path lock = tmp.resolve("lock");
        LockFile held = take(lock);
        writeLock(lock, "other", 1, "");
        held.close();
        assertTrue(Files.exists(lock));
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    @DisplayName("the holder is readable: host, pid, process start, since, operation")
    @SuppressWarnings("try") // the resource is held for its effect
    void holder() {
        Path lock = tmp.resolve("lock");
        assertTrue(LockFile.holder(lock).isEmpty());
        try (LockFile held = take(lock)) {
            LockHolder h = LockFile.holder(lock).orElseThrow();
            assertTrue(h.named());
            assertEquals(Long.toString(ProcessHandle.current().pid()), h.pid());
            assertEquals(LockHolder.hostName(), h.host());
            assertEquals("store b1", h.operation());
            assertFalse(h.isGone());
        }
    }

    @Test
    @DisplayName("an operation with line breaks and backslashes cannot break the lock file")
    void escapedOperation() throws Exception {
        LockHolder h = LockHolder.current("store a\\b\nhost=evil", Instant.EPOCH, "t");
        LockHolder back = LockHolder.parse(new String(h.toBytes(), StandardCharsets.UTF_8));
        assertEquals(h, back);
    }
}
