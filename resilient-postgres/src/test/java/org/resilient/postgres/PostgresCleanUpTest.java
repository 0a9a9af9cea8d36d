package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.testservers.PostgresServer;

/**
 * The clean-up of what an import replaced: the old databases are dropped after the import returned, in the
 * background (each {@code DROP DATABASE} forces a checkpoint), and what a crash left is dropped by the next import.
 */
class PostgresCleanUpTest extends TwoServerTest {
    @TempDir
    Path tmp;

    @AfterEach
    void releaseDrops() {
        ReplacedCopies.beforeDrop = () -> { };
    }

    @Test
    @DisplayName("the import returns before the replaced copy is dropped, and the copy is dropped afterwards")
    void dropsAfterTheImport() throws Exception {
        String db = seeded();
        importInto(export(db, "b1"));
        awaitNoWorkDatabases(db);
        CountDownLatch release = new CountDownLatch(1);
        ReplacedCopies.beforeDrop = () -> await(release);
        SOURCE.psql(db, "INSERT INTO t VALUES (1001, 'second')");
        importInto(export(db, "b2"));
        // the import returned with the drop held: the standby is the new one, the old copy still beside it
        assertEquals("1001", STANDBY.psql(db, "SELECT count(*) FROM t").get(0));
        assertEquals(List.of(WorkNames.old(db)), workDatabases(db));
        assertEquals(List.of(WorkNames.old(db)), ReplacedCopies.pending(settings()));
        release.countDown();
        awaitNoWorkDatabases(db);
    }

    @Test
    @DisplayName("a replaced copy left by a crash is dropped by the next import, which does not wait for it")
    void leftoverDroppedByNextImport() throws Exception {
        String db = seeded();
        importInto(export(db, "b1"));
        awaitNoWorkDatabases(db);
        // what a process killed after its swap leaves: the live database and its replaced copy beside it
        STANDBY.psql("postgres", "CREATE DATABASE " + PostgresServer.quoteIdentifier(WorkNames.old(db)));
        SOURCE.psql(db, "INSERT INTO t VALUES (1001, 'second')");
        importInto(export(db, "b2"));
        assertEquals("1001", STANDBY.psql(db, "SELECT count(*) FROM t").get(0));
        awaitNoWorkDatabases(db);
    }

    @Test
    @DisplayName("the next import succeeds while the drop of the copy it replaced earlier is still held (its swap needs that name)")
    void nextSwapWaitsForTheName() throws Exception {
        String db = seeded();
        importInto(export(db, "b1"));
        awaitNoWorkDatabases(db);
        CountDownLatch release = new CountDownLatch(1);
        ReplacedCopies.beforeDrop = () -> await(release);
        importInto(export(db, "b2"));
        assertEquals(List.of(WorkNames.old(db)), workDatabases(db));
        SOURCE.psql(db, "INSERT INTO t VALUES (1001, 'third')");
        Path b3 = export(db, "b3");
        // the third import must wait at its swap for the held drop: release it from another thread meanwhile
        Thread releaser = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (STANDBY.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '"
                    + WorkNames.tmp(db) + "'").isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
        });
        releaser.start();
        importInto(b3);
        releaser.join();
        assertEquals("1001", STANDBY.psql(db, "SELECT count(*) FROM t").get(0));
        awaitNoWorkDatabases(db);
    }

    private String seeded() {
        String db = SOURCE.createDatabase();
        SOURCE.psql(db, "CREATE TABLE t(id int PRIMARY KEY, v text); "
                + "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g;");
        return db;
    }

    private Path export(String db, String name) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        provider.exporter(TestBackups.settings(SOURCE, db)).export(TestBackups.exportContext(dir));
        return dir;
    }

    private void importInto(Path dir) {
        provider.importer(TestBackups.settings(STANDBY)).importBackup(TestBackups.importContext(dir));
    }

    private static PostgresSettings settings() {
        return PostgresSettings.from(TestBackups.settings(STANDBY));
    }

    private static List<String> workDatabases(String db) {
        return STANDBY.psql("postgres", "SELECT datname FROM pg_database WHERE datname IN ('"
                + WorkNames.tmp(db) + "', '" + WorkNames.old(db) + "') ORDER BY 1");
    }

    private static void awaitNoWorkDatabases(String db) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!workDatabases(db).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "work databases left after 2 minutes: " + workDatabases(db));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never released the drop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
