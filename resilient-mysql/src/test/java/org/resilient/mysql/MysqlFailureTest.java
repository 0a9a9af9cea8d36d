package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Importer;
import org.resilient.testkit.TestBackups;
import org.resilient.testservers.MariaDbServer;

/**
 * Bad input and failures, each against real servers: wrong password, unreachable server, unknown database,
 * missing tools, a truncated dump file, the standby going down during an import, cancellation. Each must
 * give a clear error with the right code and leave the standby's previous state whole.
 */
class MysqlFailureTest extends TwoServerTest {
    static final String SECRET = "Secr3t\"pa ss'#;word";
    static Path goodBackup;
    static Map<String, String> goodState;
    static int round;

    @BeforeAll
    static void seedAndImportOnce() throws IOException {
        source.execute("CREATE DATABASE inv; CREATE TABLE inv.item (id INT PRIMARY KEY, name VARCHAR(40), qty INT)"
                + " ENGINE=InnoDB; INSERT INTO inv.item SELECT seq, CONCAT('item ', seq), seq % 97 FROM mysql.seq_1_to_300000;"
                + " CREATE VIEW inv.low AS SELECT id FROM inv.item WHERE qty < 3;");
        TestDb.createUser(source, "bk", SECRET, "ALL PRIVILEGES");
        TestDb.createUser(standby, "bk", SECRET, "ALL PRIVILEGES");
        goodBackup = exportFrom(settings(source).with("mysql.rows-per-file", "100000"));
        importInto(goodBackup, settings(standby));
        goodState = standbyState();
        // The next exports differ from what the standby holds, so an import that wrongly went through shows.
        TestDb.exec(source, "UPDATE inv.item SET qty = qty + 1 WHERE id <= 1000", "CREATE TABLE inv.extra (x INT) ENGINE=MyISAM");
    }

    @BeforeEach
    void standbyRuns() {
        standby.start();
    }

    static Settings settings(MariaDbServer server) {
        return Settings.of(Map.of("mysql.host", server.host(), "mysql.port", Integer.toString(server.port()),
                "mysql.user", "bk", "mysql.password", SECRET, "mysql.databases", "inv", "mysql.threads", "2",
                "mysql.timeout", "3m"));
    }

    static Path exportFrom(Settings s) throws IOException {
        Path dir = Files.createDirectories(work.resolve("export-" + (++round)));
        PROVIDER.exporter(s).export(TestDb.exportContext(dir));
        return dir;
    }

    static void importInto(Path dir, Settings s) {
        try (Importer i = PROVIDER.importer(s)) {
            i.importBackup(TestDb.importContext(dir));
        }
    }

    static Map<String, String> standbyState() {
        return TestDb.fingerprint(standby, List.of("inv"), false);
    }

    static void assertStandbyIntact() {
        TestDb.assertSameContent(goodState, standbyState());
        assertEquals("[]", TestDb.query(standby,
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'inv\\_\\_%'").toString(),
                "no temporary databases left behind");
    }

    static void assertNoSecret(ResilienceException e) {
        String all = e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertFalse(all.contains(SECRET), "the password leaked into: " + all);
    }

    @Test
    @DisplayName("a password that needs quoting works through the defaults file")
    void quotedPasswordWorks() throws IOException {
        Path dir = exportFrom(settings(source));
        assertTrue(Files.isRegularFile(dir.resolve("inv.item-schema.sql")));
        // (that the defaults file is 0600 and removed is checked in MysqlSettingsTest)
    }

    @Test
    @DisplayName("wrong password on export: AUTHENTICATION_FAILED, password not in the message")
    void wrongPasswordExport() {
        var e = assertThrows(ResilienceException.class, () -> exportFrom(settings(source).with("mysql.password", "nope-" + SECRET)));
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("mysql.password"), e.getMessage());
        assertFalse(e.getMessage().contains("nope-"), e.getMessage());
    }

    @Test
    @DisplayName("wrong password on import: AUTHENTICATION_FAILED, standby intact")
    void wrongPasswordImport() throws IOException {
        Path dir = exportFrom(settings(source));
        var e = assertThrows(ResilienceException.class, () -> importInto(dir, settings(standby).with("mysql.password", "bad")));
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertStandbyIntact();
    }

    @Test
    @DisplayName("mydumper itself rejects a wrong password with AUTHENTICATION_FAILED (its stderr classified)")
    void toolFailureIsClassified() {
        ResilienceException raw = new ResilienceException(ErrorCode.TOOL_FAILED, "mydumper failed with exit status 1; "
                + "last lines of its output:\n  ** (mydumper:1): CRITICAL **: Error connecting to database: Access denied for user");
        MysqlSettings s = MysqlSettings.from(settings(source));
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, MysqlTools.classify(raw, s).code());
        assertEquals(ErrorCode.UNREACHABLE, MysqlTools.classify(new ResilienceException(ErrorCode.TOOL_FAILED,
                "Can't connect to server on '127.0.0.1' (115)"), s).code());
        assertEquals(ErrorCode.NOT_FOUND, MysqlTools.classify(new ResilienceException(ErrorCode.TOOL_FAILED,
                "Error connecting to database: Unknown database 'x'"), s).code());
    }

    @Test
    @DisplayName("unreachable server: UNREACHABLE on export and on import")
    void unreachable() throws IOException {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Settings down = settings(source).with("mysql.port", Integer.toString(closedPort));
        var e = assertThrows(ResilienceException.class, () -> exportFrom(down));
        assertEquals(ErrorCode.UNREACHABLE, e.code(), e.getMessage());
        assertNoSecret(e);
        var i = assertThrows(ResilienceException.class, () -> importInto(goodBackup, down));
        assertEquals(ErrorCode.UNREACHABLE, i.code(), i.getMessage());
    }

    @Test
    @DisplayName("unknown database: NOT_FOUND on export, and on import when the backup lacks it")
    void unknownDatabase() {
        var e = assertThrows(ResilienceException.class, () -> exportFrom(settings(source).with("mysql.databases", "inv,nosuch")));
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
        var i = assertThrows(ResilienceException.class, () -> importInto(goodBackup, settings(standby).with("mysql.databases", "other")));
        assertEquals(ErrorCode.NOT_FOUND, i.code(), i.getMessage());
        assertStandbyIntact();
    }

    @Test
    @DisplayName("mydumper or myloader missing: TOOL_MISSING naming the package, nothing changed")
    void toolMissing(@TempDir Path emptyDir) {
        var e = assertThrows(ResilienceException.class, () -> exportFrom(settings(source).with("mysql.tool-dir", emptyDir.toString())));
        assertEquals(ErrorCode.TOOL_MISSING, e.code());
        assertTrue(e.getMessage().contains("mydumper") && e.getMessage().contains(emptyDir.toString()), e.getMessage());
        var i = assertThrows(ResilienceException.class, () -> importInto(goodBackup, settings(standby).with("mysql.tool-dir", emptyDir.toString())));
        assertEquals(ErrorCode.TOOL_MISSING, i.code());
        assertTrue(i.getMessage().contains("myloader"), i.getMessage());
        assertStandbyIntact();
    }

    @Test
    @DisplayName("a dump file truncated in transit is caught by the manifest, and by the importer itself")
    void truncatedFile() throws IOException {
        Path backup = work.resolve("sealed");
        Path data = Files.createDirectories(backup.resolve("data"));
        PROVIDER.exporter(settings(source).with("mysql.rows-per-file", "100000")).export(TestDb.exportContext(data));
        TestBackups.seal(backup, BackupId.of(Instant.now(), "src"), "mysql", "src", Instant.now());
        Path victim = data.resolve("inv.item.00001.sql");
        long size = Files.size(victim);
        try (var ch = java.nio.channels.FileChannel.open(victim, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        var v = assertThrows(ResilienceException.class, () -> TestBackups.verify(backup));
        assertEquals(ErrorCode.VERIFICATION_FAILED, v.code());
        assertTrue(v.getMessage().contains("inv.item.00001.sql"), v.getMessage());
        // Even if the verification were skipped, the importer refuses a cut-off file (myloader would not).
        var i = assertThrows(ResilienceException.class, () -> importInto(data, settings(standby)));
        assertEquals(ErrorCode.VERIFICATION_FAILED, i.code(), i.getMessage());
        assertStandbyIntact();
    }

    @Test
    @DisplayName("standby down during the import: reported, previous state intact, next import succeeds")
    void standbyDownDuringImport() throws Exception {
        Path dir = exportFrom(settings(source).with("mysql.rows-per-file", "0"));
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> importInto(dir, settings(standby)));
        awaitLoading();
        standby.stop();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> running.get(2, TimeUnit.MINUTES));
        ResilienceException e = (ResilienceException) failure.getCause();
        assertTrue(e.code() == ErrorCode.UNREACHABLE || e.code() == ErrorCode.TOOL_FAILED, e.code() + ": " + e.getMessage());
        assertNoSecret(e);
        standby.start();
        TestDb.assertSameContent(goodState, standbyState());
        importInto(dir, settings(standby));
        TestDb.assertSameContent(TestDb.fingerprint(source, List.of("inv"), false), standbyState());
        importInto(goodBackup, settings(standby)); // back to the state the other tests expect
        assertStandbyIntact();
    }

    @Test
    @DisplayName("cancelling an import kills myloader and leaves the standby as it was")
    void cancelImport() throws Exception {
        Path dir = exportFrom(settings(source).with("mysql.rows-per-file", "0"));
        Cancellation cancel = Cancellation.create();
        ImportContext ctx = ImportContext.builder().directory(dir).manifest(TestDb.importContext(dir).manifest())
                .cancellation(cancel).build();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try (Importer i = PROVIDER.importer(settings(standby))) {
                i.importBackup(ctx);
            }
        });
        awaitLoading();
        cancel.cancel();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> running.get(1, TimeUnit.MINUTES));
        assertEquals(ErrorCode.CANCELLED, ((ResilienceException) failure.getCause()).code());
        assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.info().command().orElse("").endsWith("myloader")),
                "myloader was killed");
        assertStandbyIntact();
    }

    @Test
    @DisplayName("an import account without SUPER/READ_ONLY ADMIN is told what it lacks")
    void missingPrivilege() {
        TestDb.createUser(standby, "weak", "weak-pw", "SELECT, INSERT, CREATE, DROP");
        Settings weak = settings(standby).with("mysql.user", "weak").with("mysql.password", "weak-pw");
        var e = assertThrows(ResilienceException.class, () -> importInto(goodBackup, weak));
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("READ_ONLY ADMIN"), e.getMessage());
        assertStandbyIntact();
    }

    /** Polls (with a deadline) until myloader is filling the temporary database. */
    private static void awaitLoading() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String n = TestDb.value(standby, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'inv__rtmp'");
                if (n != null && !n.equals("0")) {
                    return;
                }
            } catch (IllegalStateException e) {
                // not yet reachable
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the import never started loading into inv__rtmp");
    }

    @Test
    @DisplayName("a myloader lock deadlock is retried: the import succeeds and the standby holds the new data")
    void deadlockRetried() throws Exception {
        Path fresh = exportFrom(settings(source));
        // A myloader that fails once the way myloader 0.10 does when InnoDB picks one of its threads as a
        // deadlock victim, then runs the real one.
        Path tools = Files.createDirectories(work.resolve("deadlock-tools"));
        Path marker = tools.resolve("failed-once");
        Path real = org.resilient.process.Tools.find("myloader", List.of()).orElseThrow();
        Path wrapper = tools.resolve("myloader");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "if [ ! -e '" + marker + "' ]; then touch '" + marker + "'\n"
                + "  echo '** (myloader:1): CRITICAL **: Error restoring inv.item from file inv.item.00001.sql: "
                + "Deadlock found when trying to get lock; try restarting transaction' >&2; exit 1; fi\n"
                + "exec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            importInto(fresh, settings(standby).with("mysql.tool-dir", tools.toString()));
            assertTrue(Files.exists(marker), "the wrapper failed once");
            TestDb.assertSameContent(TestDb.fingerprint(source, List.of("inv"), false), standbyState());
            goodState = standbyState();
        } finally {
            // The other tests compare against the standby's state: put the good backup back.
            importInto(goodBackup, settings(standby));
            goodState = standbyState();
        }
    }

    @Test
    @DisplayName("a dump held up by another session's long write stops within seconds and names that session")
    void stalledDumpNamesTheBlocker() throws Exception {
        // A write in progress: FLUSH TABLES WITH READ LOCK (ours or mydumper's) waits for it to end.
        java.sql.Connection blocker = TestDb.connect(source);
        CompletableFuture<Void> query = CompletableFuture.runAsync(() -> {
            try (java.sql.Statement st = blocker.createStatement()) {
                st.execute("UPDATE inv.item SET qty = qty WHERE id = 1 AND SLEEP(120) = 0");
            } catch (java.sql.SQLException e) {
                // ended by the test's KILL below
            }
        });
        String id = null;
        for (Instant deadline = Instant.now().plusSeconds(20); id == null && Instant.now().isBefore(deadline); ) {
            id = TestDb.value(source, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE inv.item SET qty = qty WHERE id = 1 AND SLEEP(120)%'"
                    + " LIMIT 1");
            if (id == null) {
                Thread.sleep(50); // polling for the blocking statement to start, with a deadline
            }
        }
        assertTrue(id != null, "the blocking statement did not start");
        String blockerId = id;
        try {
            Instant start = Instant.now();
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> exportFrom(settings(source).with("mysql.stall-timeout", "2s")));
            assertEquals(ErrorCode.TIMEOUT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("session " + blockerId) && e.getMessage().contains("SLEEP(120)"),
                    e.getMessage());
            assertTrue(Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(60)) < 0,
                    "detected well before the dump's timeout");
        } finally {
            TestDb.exec(source, "KILL " + blockerId);
            query.get(30, TimeUnit.SECONDS);
            blocker.close();
        }
        assertFalse(exportFrom(settings(source)).toString().isEmpty(), "the next export runs");
    }
}
