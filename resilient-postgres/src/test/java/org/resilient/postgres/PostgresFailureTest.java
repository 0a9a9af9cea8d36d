package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.Manifest;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;
import org.resilient.testservers.PostgresServer;

/** Bad input and failures: each gives a clear error with the right code and leaves the standby as it was. */
class PostgresFailureTest extends TwoServerTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("a wrong password fails with AUTHENTICATION_FAILED, and the password appears nowhere in the message")
    void wrongPassword() throws IOException {
        String db = SOURCE.createDatabase();
        String secret = "Wr0ng-S3cret:with\\odd";
        ResilienceException e = exportFails(() -> provider.exporter(
                TestBackups.settings(SOURCE, db).with("postgres.password", secret)));
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), "the password must not leak into the message");
        assertNoPgpassLeft();
    }

    @Test
    @DisplayName("an unreachable server fails with UNREACHABLE")
    void unreachable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ResilienceException e = exportFails(() -> provider.exporter(
                TestBackups.settings(SOURCE, "x").with("postgres.port", Integer.toString(closedPort))));
        assertEquals(ErrorCode.UNREACHABLE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
    }

    @Test
    @DisplayName("a database that does not exist fails with NOT_FOUND naming it, before anything is dumped")
    void unknownDatabase() throws IOException {
        String db = SOURCE.createDatabase();
        ResilienceException e = exportFails(() -> provider.exporter(
                TestBackups.settings(SOURCE, db, "no_such_db")));
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("no_such_db"), e.getMessage());
    }

    @Test
    @DisplayName("pg_dump missing everywhere fails with TOOL_MISSING saying what to install")
    void pgDumpMissing() throws IOException {
        String db = SOURCE.createDatabase();
        Path onlyPsql = Files.createDirectory(tmp.resolve("bin"));
        Files.createSymbolicLink(onlyPsql.resolve("psql"), SOURCE.binDirectory().resolve("psql"));
        PgTools noPgDump = new PgTools(null, tmp.resolve("no-debian"), List.of(onlyPsql));
        ResilienceException e = exportFails(() -> new PostgresExporter(
                PostgresSettings.from(TestBackups.settings(SOURCE, db)), noPgDump));
        assertEquals(ErrorCode.TOOL_MISSING, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("pg_dump not found") && e.getMessage().contains("postgresql-client"),
                e.getMessage());
    }

    @Test
    @DisplayName("a pg_dump older than the server fails with TOOL_MISSING naming both versions")
    void pgDumpTooOld() throws IOException {
        String db = SOURCE.createDatabase();
        Path bin = Files.createDirectory(tmp.resolve("old-bin"));
        Path fake = bin.resolve("pg_dump");
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        ResilienceException e = exportFails(() -> provider.exporter(
                TestBackups.settings(SOURCE, db).with("postgres.tool-dir", bin.toString())));
        assertEquals(ErrorCode.TOOL_MISSING, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("version 9") && e.getMessage().contains("older than the server (15)"),
                e.getMessage());
    }

    @Test
    @DisplayName("a dump truncated in transit is refused before restore; the standby keeps its state")
    void truncatedDump() throws Exception {
        String db = seededDatabase(20_000);
        TreeMap<String, String> before = importedOnce(db);
        Path b2 = secondBackup(db);
        ImportContext ctx = TestBackups.importContext(b2); // the manifest is made before the damage
        Path dat = largestDataFile(b2);
        try (RandomAccessFile f = new RandomAccessFile(dat.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> provider.importer(TestBackups.settings(STANDBY)).importBackup(ctx));
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(b2.relativize(dat).toString()), e.getMessage());
        assertStandbyKept(db, before);
    }

    @Test
    @DisplayName("a table's data file changed in transit (same size), verified while pg_restore reads it, is refused before the swap")
    void changedDataFileRefusedBeforeSwap() throws Exception {
        String db = seededDatabase(20_000);
        TreeMap<String, String> before = importedOnce(db);
        Path b2 = secondBackup(db);
        Manifest manifest = TestBackups.manifestOf(b2); // made before the damage
        Path dat = largestDataFile(b2);
        String rel = b2.relativize(dat).toString();
        PostgresImporter importer = (PostgresImporter) provider.importer(TestBackups.settings(STANDBY));
        assertTrue(importer.mayReadBeforeVerified(rel), rel);
        assertFalse(importer.mayReadBeforeVerified(b2.relativize(dat.resolveSibling("toc.dat")).toString()));
        assertFalse(importer.mayReadBeforeVerified(DumpMetadata.FILE_NAME));
        try (RandomAccessFile f = new RandomAccessFile(dat.toFile(), "rw")) {
            long at = 0;
            while (f.read() != '\t') {
                at++;
            }
            f.seek(at + 1); // the first row's md5 text: still text, so pg_restore and the row counts cannot tell
            int b = f.read();
            f.seek(at + 1);
            f.write(b == 'a' ? 'b' : 'a');
        }
        String want = manifest.entries().stream().filter(e -> e.path().equals(rel)).findFirst().orElseThrow().sha256();
        // what the node does: hash the table's file while pg_restore reads it, and fail awaitVerified if it differs
        ImportContext ctx = ImportContext.builder().directory(b2).manifest(manifest).loggerName("test.import")
                .verification(() -> {
                    try {
                        if (!TestBackups.sha256(dat).equals(want)) {
                            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, rel + " was changed");
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).build();
        ResilienceException e = assertThrows(ResilienceException.class, () -> importer.importBackup(ctx));
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code(), e.getMessage());
        assertStandbyKept(db, before);
    }

    @Test
    @DisplayName("a standby that goes down during the import: reported as UNREACHABLE, the next import succeeds")
    void standbyDownDuringImport() throws Exception {
        String db = seededDatabase(20_000);
        TreeMap<String, String> before = importedOnce(db);
        SOURCE.psql(db, "INSERT INTO t SELECT g, 'later' FROM generate_series(100001, 100100) g");
        Path b2 = export(db, "b2");
        ImportContext ctx = ImportContext.builder().directory(b2).manifest(TestBackups.manifestOf(b2))
                .loggerName("test.import")
                // stop the server once the import has connected and is about to restore
                .progress(p -> {
                    if (p.phase().equals("pg_restore") && p.done() == 0) {
                        STANDBY.stop();
                    }
                }).build();
        try {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> provider.importer(TestBackups.settings(STANDBY)).importBackup(ctx));
            assertEquals(ErrorCode.UNREACHABLE, e.code(), e.getMessage());
        } finally {
            STANDBY.start();
        }
        assertEquals(before, DatabaseFingerprint.of(STANDBY, db), "the standby kept its last good state");
        importInto(b2);
        assertEquals(DatabaseFingerprint.of(SOURCE, db), DatabaseFingerprint.of(STANDBY, db));
        assertNoWorkDatabases();
    }

    @Test
    @DisplayName("a restore that fails half-way (a role missing on the standby) leaves the standby whole")
    void failedRestoreKeepsStandby() throws Exception {
        String db = seededDatabase(1_000);
        TreeMap<String, String> before = importedOnce(db);
        String role = "owner_" + db;
        SOURCE.psql("postgres", "CREATE ROLE " + role);
        SOURCE.psql(db, "CREATE TABLE owned(x int); ALTER TABLE owned OWNER TO " + role);
        Path b2 = export(db, "b2");
        ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(b2));
        assertEquals(ErrorCode.TOOL_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("pg_restore") && e.getMessage().contains(role), e.getMessage());
        assertStandbyKept(db, before);
        // with postgres.no-owner the same backup imports
        provider.importer(TestBackups.settings(STANDBY).with("postgres.no-owner", "true"))
                .importBackup(TestBackups.importContext(b2));
        assertEquals(List.of("0"), STANDBY.psql(db, "SELECT count(*) FROM owned"));
    }

    @Test
    @DisplayName("cancelling an import kills pg_restore, drops the half-restored database and keeps the standby")
    void cancelledImport() throws Exception {
        String db = seededDatabase(300_000);
        TreeMap<String, String> before = importedOnce(db);
        SOURCE.psql(db, "UPDATE t SET s = 'changed' WHERE i < 10");
        Path b2 = export(db, "b2");
        Cancellation cancel = Cancellation.create();
        AtomicBoolean sawRestore = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !cancel.isCancelled()) {
                if (!STANDBY.psql("postgres", "SELECT pid FROM pg_stat_activity WHERE datname LIKE '%resilient_tmp' "
                        + "AND state = 'active' AND pid <> pg_backend_pid()").isEmpty()) {
                    sawRestore.set(true);
                    cancel.cancel();
                }
            }
        });
        watcher.start();
        ResilienceException e = assertThrows(ResilienceException.class, () -> provider.importer(
                TestBackups.settings(STANDBY)).importBackup(TestBackups.importContext(b2, cancel)));
        cancel.cancel();
        watcher.join();
        assertTrue(sawRestore.get(), "pg_restore was seen loading data before the cancel");
        assertEquals(ErrorCode.CANCELLED, e.code(), e.getMessage());
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("")
                .contains(b2.toString())), "no pg_restore process left");
        assertStandbyKept(db, before);
    }

    @Test
    @DisplayName("cancelling an export kills pg_dump while it waits for a table lock")
    void cancelledExport() throws Exception {
        String db = seededDatabase(1_000);
        Path out = Files.createDirectory(tmp.resolve("out"));
        Cancellation cancel = Cancellation.create();
        try (java.sql.Connection locker = DatabaseFingerprint.connect(SOURCE, db);
             java.sql.Statement st = locker.createStatement()) {
            locker.setAutoCommit(false);
            st.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"); // pg_dump waits for its ACCESS SHARE lock
            java.util.concurrent.CompletableFuture<ResilienceException> export =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> assertThrows(ResilienceException.class,
                            () -> provider.exporter(TestBackups.settings(SOURCE, db))
                                    .export(TestBackups.exportContext(out, cancel))));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (SOURCE.psql("postgres", "SELECT pid FROM pg_stat_activity WHERE datname = '" + db
                    + "' AND wait_event_type = 'Lock'").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "pg_dump never waited for the lock");
            }
            cancel.cancel();
            ResilienceException e = export.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(ErrorCode.CANCELLED, e.code(), e.getMessage());
            assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("")
                    .contains(out.toString())), "no pg_dump process left");
            locker.rollback();
        }
    }

    @Test
    @DisplayName("a standby database renamed away by an interrupted swap is put back by the next import")
    void repairsInterruptedSwap() throws Exception {
        String db = seededDatabase(1_000);
        TreeMap<String, String> before = importedOnce(db);
        STANDBY.psql("postgres", "ALTER DATABASE " + PostgresServer.quoteIdentifier(db) + " RENAME TO "
                + PostgresServer.quoteIdentifier(db + "__resilient_old"));
        // a backup that fails its check: the repair must have happened anyway
        Path bad = Files.createDirectory(tmp.resolve("bad"));
        Files.writeString(bad.resolve("resilient-postgres.properties"), "format=1\nserver.version-num=150000\n"
                + "databases=1\ndatabase.0.name=" + db + "\ndatabase.0.directory=db-00-x\ndatabase.0.encoding=UTF8\n");
        assertThrows(ResilienceException.class, () -> importInto(bad));
        assertStandbyKept(db, before);
    }

    @Test
    @DisplayName("a directory that is not a postgres backup is refused with MANIFEST_INVALID")
    void notAPostgresBackup() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("files"));
        Files.writeString(dir.resolve("hello.txt"), "hi");
        ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(dir));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), e.getMessage());
    }

    @Test
    @DisplayName("promoting a database that was never imported fails with NOT_FOUND")
    void promoteUnknown() {
        ResilienceException e = assertThrows(ResilienceException.class, () -> provider.importer(
                TestBackups.settings(STANDBY, "never_imported")).promote(TestBackups.promoteContext(tmp)));
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
    }

    @Test
    @DisplayName("bad settings are all reported at once, without echoing the password")
    void badSettings() {
        Settings bad = Settings.of(java.util.Map.of("postgres.port", "fivefourthreetwo", "postgres.jobs", "0",
                "postgres.sslmode", "sometimes", "postgres.hots", "typo", "postgres.password", "pw\nsecret"));
        ResilienceException e = assertThrows(ResilienceException.class, () -> provider.exporter(bad));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        for (String key : List.of("postgres.port", "postgres.jobs", "postgres.sslmode", "postgres.hots",
                "postgres.password")) {
            assertTrue(e.getMessage().contains(key), key + " missing from: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    private String seededDatabase(int rows) {
        String db = SOURCE.createDatabase();
        SOURCE.psql(db, "CREATE TABLE t(i int PRIMARY KEY, s text); INSERT INTO t SELECT g, md5(g::text) "
                + "FROM generate_series(1, " + rows + ") g;");
        return db;
    }

    /** The backup after half the rows were deleted (the standby holds the first one). */
    private Path secondBackup(String db) throws IOException {
        SOURCE.psql(db, "DELETE FROM t WHERE i % 2 = 0");
        return export(db, "b2");
    }

    private Path export(String db, String name) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        provider.exporter(TestBackups.settings(SOURCE, db)).export(TestBackups.exportContext(dir));
        return dir;
    }

    /** Exports a database as b1 and imports it: the standby's last good state, returned as its fingerprint. */
    private TreeMap<String, String> importedOnce(String db) throws IOException, SQLException {
        importInto(export(db, "b1"));
        return DatabaseFingerprint.of(STANDBY, db);
    }

    /** The standby kept its last good state and no work database is left. */
    private static void assertStandbyKept(String db, TreeMap<String, String> before) throws SQLException {
        assertEquals(before, DatabaseFingerprint.of(STANDBY, db), "the standby kept its last good state");
        assertNoWorkDatabases();
    }

    /** An export that must fail: it gets an empty directory and writes nothing into it. */
    private ResilienceException exportFails(Supplier<Exporter> exporter) throws IOException {
        Path out = Files.createDirectory(tmp.resolve("out"));
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> exporter.get().export(TestBackups.exportContext(out)));
        assertEmpty(out);
        return e;
    }

    private void importInto(Path dir) {
        provider.importer(TestBackups.settings(STANDBY)).importBackup(TestBackups.importContext(dir));
    }

    private static Path largestDataFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".dat") && !p.getFileName().toString().equals("toc.dat"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
    }

    /**
     * No restore database is left at once; replaced copies ({@code __resilient_old}) are dropped in the background
     * after an import ({@link ReplacedCopies}), so they are waited for, with a deadline.
     */
    private static void assertNoWorkDatabases() {
        assertEquals(List.of(), STANDBY.psql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE "
                + "'%\\_\\_resilient\\_tmp'"));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String oldCopies = "SELECT datname FROM pg_database WHERE datname LIKE '%\\_\\_resilient\\_old'";
        while (!STANDBY.psql("postgres", oldCopies).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "replaced copies not dropped within 2 minutes: "
                    + STANDBY.psql("postgres", oldCopies));
        }
    }

    private static void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "nothing may be written on failure");
        }
    }

    private static void assertNoPgpassLeft() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("resilient-pgpass-")),
                    "temporary pgpass files are removed");
        }
    }
}
