package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.process.ProcessRunner;
import org.resilient.testservers.PostgresServer;

/**
 * A standby whose disk fills up during the import: the standby's data directory lies on a small tmpfs
 * (its write-ahead log elsewhere, so the server reports errors instead of stopping). Needs the right to
 * mount, which root in a container usually has; skipped otherwise.
 */
class PostgresDiskFullTest {
    @RegisterExtension
    static final PostgresServer SOURCE = PostgresServer.shared("live");

    @TempDir
    Path tmp;

    @Test
    @DisplayName("a full disk on the standby fails the import with IO_ERROR, frees the space and keeps the standby")
    void diskFull() throws Exception {
        // the server runs as the postgres user, which must be able to reach the mount point
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path mount = Files.createDirectory(tmp.resolve("small-disk"));
        var mounted = ProcessRunner.command("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString())
                .timeout(Duration.ofSeconds(30)).allowFailure().run();
        Assumptions.assumeTrue(mounted.exitCode() == 0,
                "cannot mount a small tmpfs to simulate a full disk (not root or no CAP_SYS_ADMIN): " + mounted.stderrTail());
        try (PostgresServer standby = new PostgresServer(mount)) {
            standby.start();
            var provider = new PostgresComponentProvider();
            String db = SOURCE.createDatabase();
            SOURCE.psql(db, "CREATE TABLE t(i int PRIMARY KEY, s text); INSERT INTO t SELECT g, md5(g::text) "
                    + "FROM generate_series(1, 1000) g;");
            Path b1 = Files.createDirectory(tmp.resolve("b1"));
            provider.exporter(TestBackups.settings(SOURCE, db)).export(TestBackups.exportContext(b1));
            provider.importer(TestBackups.settings(standby)).importBackup(TestBackups.importContext(b1));
            TreeMap<String, String> before = DatabaseFingerprint.of(standby, db);

            SOURCE.psql(db, "INSERT INTO t SELECT g, repeat(md5(g::text), 4) FROM generate_series(1001, 250000) g");
            Path b2 = Files.createDirectory(tmp.resolve("b2"));
            provider.exporter(TestBackups.settings(SOURCE, db)).export(TestBackups.exportContext(b2));
            ResilienceException e = assertThrows(ResilienceException.class, () -> provider.importer(
                    TestBackups.settings(standby)).importBackup(TestBackups.importContext(b2)));
            assertEquals(ErrorCode.IO_ERROR, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(before, DatabaseFingerprint.of(standby, db), "the standby kept its last good state");
            assertEquals(List.of(), standby.psql("postgres",
                    "SELECT datname FROM pg_database WHERE datname LIKE '%resilient%'"), "the half restore was dropped");
        } finally {
            ProcessRunner.command("umount", "-l", mount.toString()).timeout(Duration.ofSeconds(30)).allowFailure().run();
        }
    }
}
