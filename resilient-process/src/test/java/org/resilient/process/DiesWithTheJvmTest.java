package org.resilient.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.19 and 16.14, with a real JVM killed with {@code -9} (which runs no clean-up): the tool it ran dies with
 * it, and the secret file it wrote is removed by the next process that writes one.
 */
@DisplayName("after kill -9 of the JVM")
class DiesWithTheJvmTest {
    @TempDir
    Path dir;

    private Process child(String mode, Path report) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName(), mode, report.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(mode + ".log").toFile()).start();
    }

    private static String awaitReport(Path report, Process jvm) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(report)) {
            assertTrue(jvm.isAlive(), "the child JVM died before it reported");
            assertTrue(System.nanoTime() < deadline, "the child JVM did not report within 60 s");
            Thread.sleep(20);
        }
        return Files.readString(report).trim();
    }

    private static void kill9(Process jvm) throws InterruptedException {
        jvm.destroyForcibly(); // SIGKILL on Unix
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("the external tool it ran dies too")
    void toolDies() throws Exception {
        Path report = dir.resolve("pid");
        Process jvm = child("tool", report);
        long tool = Long.parseLong(awaitReport(report, jvm));
        try {
            assertTrue(ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false), "the tool runs");
            kill9(jvm);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false),
                    "the tool (pid " + tool + ") outlived its killed JVM");
        } finally {
            ProcessHandle.of(tool).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    @DisplayName("its secret file is removed by the next process that writes one")
    void secretFileRemoved() throws Exception {
        Path report = dir.resolve("secret");
        Process jvm = child("secret", report);
        Path secret = Path.of(awaitReport(report, jvm));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret.getParent())));
        kill9(jvm);
        assertTrue(Files.exists(secret), "kill -9 leaves it behind");
        try (SecretFile next = SecretFile.create("test-secret", "other")) {
            assertFalse(Files.exists(secret), "the orphan of the killed JVM is gone");
            assertTrue(Files.exists(next.path()));
            assertEquals(secret.getParent(), next.path().getParent());
        }
    }

    @Test
    @DisplayName("a live writer's secret file is not an orphan; a dead one's is")
    void orphans() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        assertFalse(SecretFile.orphan("pgpass-" + self.pid() + "-" + start + "-ab12"));
        assertTrue(SecretFile.orphan("pgpass-" + self.pid() + "-" + (start - 5000) + "-ab12"), "a reused pid");
        assertFalse(SecretFile.orphan("unrelated"));
        Optional<Long> dead = List.of(999_999L, 4_000_000L).stream().filter(p -> ProcessHandle.of(p).isEmpty()).findFirst();
        dead.ifPresent(p -> assertTrue(SecretFile.orphan("mysql-defaults-" + p + "-1-ff")));
    }
}
