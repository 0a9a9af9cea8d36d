package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.Importer;
import org.resilient.testservers.PostgresServer;

/**
 * Demotion of a leader's live database on a real server: the ordinary role that owns the database and its table
 * can neither write nor lift the fence, whatever it tries, and promotion gives it back exactly what it had.
 */
class PostgresDemoteTest {
    @RegisterExtension
    static final PostgresServer LIVE = PostgresServer.shared("live");

    /** The ways an ordinary client writes, or tries to get around a read-only default. */
    private static final Map<String, String[]> WRITES = Map.of(
            "INSERT", new String[] {"INSERT INTO public.t VALUES (10)"},
            "BEGIN READ WRITE; INSERT", new String[] {"BEGIN READ WRITE", "INSERT INTO public.t VALUES (11)"},
            "SET default_transaction_read_only = off; INSERT",
            new String[] {"SET default_transaction_read_only = off", "INSERT INTO public.t VALUES (12)"},
            "CREATE TABLE", new String[] {"CREATE TABLE public.t2(i int)"});

    private final PostgresComponentProvider provider = new PostgresComponentProvider();

    @Test
    @DisplayName("the owner role can neither write nor lift the fence after demote, and writes again after promote")
    void ownerFencedAndReleased(@TempDir Path tmp) throws SQLException, java.io.IOException {
        AppRole.ensure(LIVE);
        String db = LIVE.createDatabase();
        LIVE.psql("postgres", "ALTER DATABASE " + PostgresServer.quoteIdentifier(db) + " OWNER TO " + AppRole.NAME);
        LIVE.psql(db, "CREATE TABLE public.t(i int); INSERT INTO public.t VALUES (1), (2); "
                + "ALTER TABLE public.t OWNER TO " + AppRole.NAME);
        List<String> before = LIVE.psql("postgres", "SELECT pg_get_userbyid(datdba), datconnlimit, datacl "
                + "FROM pg_database WHERE datname = '" + db + "'");
        // each way of writing works before the demotion: the test can fail
        WRITES.forEach((what, sql) -> assertTrue(AppRole.canWrite(LIVE, db, sql), what + " refused before demote"));

        try (Connection existing = AppRole.connect(LIVE, db); Statement st = existing.createStatement()) {
            st.execute("SELECT 1");
            demote(db, tmp);
            assertThrows(SQLException.class, () -> st.execute("INSERT INTO public.t VALUES (3)"),
                    "the session the owner held at demote time still writes");
        }
        WRITES.forEach((what, sql) -> assertFalse(AppRole.canWrite(LIVE, db, sql), what + " accepted after demote"));
        try (Connection other = AppRole.connect(LIVE, "postgres"); Statement st = other.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("ALTER DATABASE "
                    + PostgresServer.quoteIdentifier(db) + " CONNECTION LIMIT -1"), "the former owner lifted the fence");
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
        // a backup taken of the fenced database carries its real owner, not the fence's
        Path dump = java.nio.file.Files.createDirectory(tmp.resolve("dump"));
        try (var exporter = provider.exporter(settings(db))) {
            exporter.export(TestBackups.exportContext(dump));
        }
        assertEquals(AppRole.NAME, DumpMetadata.read(dump).databases().get(0).owner(),
                "the dump of a fenced database names the fencing role as its owner");
        List<String> rows = LIVE.psql(db, "SELECT count(*) FROM public.t");
        demote(db, tmp); // idempotent: the record of what to restore must stay the unfenced state
        assertEquals(rows, LIVE.psql(db, "SELECT count(*) FROM public.t"), "demotion changed the data");
        WRITES.forEach((what, sql) -> assertFalse(AppRole.canWrite(LIVE, db, sql), what + " accepted after a second demote"));

        try (Importer importer = provider.importer(settings(db))) {
            importer.promote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(3)).build());
        }
        assertEquals(before, LIVE.psql("postgres", "SELECT pg_get_userbyid(datdba), datconnlimit, datacl "
                + "FROM pg_database WHERE datname = '" + db + "'"), "promote did not restore owner, limit and ACL exactly");
        assertEquals(List.of(), LIVE.psql("postgres", "SELECT c FROM pg_db_role_setting s JOIN pg_database d ON "
                + "d.oid = s.setdatabase, unnest(s.setconfig) c WHERE d.datname = '" + db + "'"),
                "promote left database settings behind");
        LIVE.psql(db, "DROP TABLE IF EXISTS public.t2");
        WRITES.forEach((what, sql) -> assertTrue(AppRole.canWrite(LIVE, db, sql), what + " refused after promote"));
    }

    @Test
    @DisplayName("superusers keep their sessions on a demoted database, read-only by default")
    void superusersStay(@TempDir Path tmp) throws SQLException {
        String db = LIVE.createDatabase();
        LIVE.psql(db, "CREATE TABLE t(i int); INSERT INTO t VALUES (1)");
        demote(db, tmp);
        assertEquals(List.of("1"), LIVE.psql(db, "SELECT count(*) FROM t"), "an administrator can still read");
        try (Connection admin = DatabaseFingerprint.connect(LIVE, db); Statement st = admin.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("INSERT INTO t VALUES (2)"));
            assertEquals("25006", e.getSQLState(), "an administrator's plain write must hit the read-only default");
        }
    }

    private void demote(String db, Path tmp) {
        try (Importer importer = provider.importer(settings(db))) {
            importer.demote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(2)).build());
        }
    }

    private static Settings settings(String db) {
        return TestBackups.settings(LIVE, db);
    }
}
