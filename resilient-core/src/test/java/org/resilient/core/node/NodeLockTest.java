package org.resilient.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

class NodeLockTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a second operation started while one runs refuses, naming the one running")
    void secondRefuses() throws Exception {
        NodeLock lock = new NodeLock(dir.resolve("node.lock"));
        try (NodeLock.Held held = lock.tryAcquire("export")) {
            ResilienceException e = CompletableFuture.supplyAsync(() -> assertThrows(ResilienceException.class,
                    () -> lock.tryAcquire("export"))).get();
            assertEquals(ErrorCode.LOCKED, e.code());
            assertTrue(e.getMessage().contains("(export, by pid " + ProcessHandle.current().pid() + " on host "),
                    e.getMessage());
        }
        try (NodeLock.Held again = lock.tryAcquire("export")) {
            assertTrue(again != null);
        }
    }

    @Test
    @DisplayName("a holder whose record is empty or damaged is reported as not recorded, never as 'pid null'")
    void unrecordedHolder() throws Exception {
        Path file = dir.resolve("node.lock");
        NodeLock lock = new NodeLock(file);
        try (NodeLock.Held held = lock.tryAcquire("import of b1")) {
            for (String garbage : new String[] {"", "pid=\nhost=\n", "garbage"}) {
                java.nio.file.Files.writeString(file, garbage);
                ResilienceException e = CompletableFuture.supplyAsync(() -> assertThrows(ResilienceException.class,
                        () -> lock.tryAcquire("export"))).get();
                assertEquals(ErrorCode.LOCKED, e.code());
                assertTrue(e.getMessage().contains("its holder is not recorded yet"), e.getMessage());
                assertTrue(!e.getMessage().contains("null"), e.getMessage());
            }
        }
    }
}
