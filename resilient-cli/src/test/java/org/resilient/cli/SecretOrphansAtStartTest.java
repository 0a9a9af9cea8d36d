package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 16.14: a secret file (pgpass, MySQL defaults) left by a process killed with {@code kill -9} is removed when
 * the next {@code resilient} command starts (a node's start included: {@code resilient node} is one of them), not
 * only when the next secret is written; a live process's secret file stays.
 */
@DisplayName("secret files of killed processes are removed when a command starts")
class SecretOrphansAtStartTest {

    @Test
    @DisplayName("a pgpass file of a dead pid is removed by the next command; a live process's file stays")
    void removedAtStart() throws Exception {
        String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "resilient-secrets-" + user);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        long deadPid = gone.pid();
        Path orphan = secret(dir, "pgpass-" + deadPid + "-1700000000000-0badc0de");
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        Path live = secret(dir, "mysql-defaults-" + self.pid() + "-" + start + "-0badc0de");
        try {
            assertTrue(ProcessHandle.of(deadPid).map(p -> !p.isAlive()).orElse(true), "pid " + deadPid + " was reused");
            CliRun run = CliRun.of("components");
            assertEquals(0, run.status(), run.err());
            assertFalse(Files.exists(orphan), "the secret file of dead pid " + deadPid + " outlived the next start");
            assertTrue(Files.exists(live), "a live process's secret file was removed");
        } finally {
            Files.deleteIfExists(orphan);
            Files.deleteIfExists(live);
        }
    }

    private static Path secret(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, "*:*:*:*:not-a-real-password\n");
        return f;
    }
}
