package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.spi.Importer;
import org.resilient.testservers.PostgresServer;

/**
 * Issue 16.11: what a database has beside its tables (settings, comment, owner, connection limit, ACL) reaches the
 * standby, and a promoted standby behaves like the leader did, also when the backup was taken of a fenced leader.
 */
class PostgresDatabasePropertiesTest extends TwoServerTest {
    private static final String READER = "resilient_reader";

    @Test
    @DisplayName("a promoted standby has the leader's settings, comment, owner, connection limit and database ACL")
    void promotedStandbyBehavesLikeTheLeader(@TempDir Path tmp) throws Exception {
        for (PostgresServer s : List.of(SOURCE, STANDBY)) {
            AppRole.ensure(s);
            s.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + READER
                    + "') THEN CREATE ROLE " + READER + " LOGIN; END IF; END $$");
        }
        String db = SOURCE.createDatabase();
        String q = PostgresServer.quoteIdentifier(db);
        SOURCE.psql("postgres", "ALTER DATABASE " + q + " OWNER TO " + AppRole.NAME);
        SOURCE.psql("postgres", "ALTER DATABASE " + q + " SET search_path = app, \"$user\", public");
        SOURCE.psql("postgres", "ALTER DATABASE " + q + " SET statement_timeout = '5min'");
        SOURCE.psql("postgres", "ALTER DATABASE " + q + " SET app.tenant = 'it''s \"acme\"'");
        SOURCE.psql("postgres", "ALTER DATABASE " + q + " CONNECTION LIMIT 17");
        SOURCE.psql("postgres", "COMMENT ON DATABASE " + q + " IS 'orders of ''acme''\nsecond line'");
        SOURCE.psql("postgres", "REVOKE ALL ON DATABASE " + q + " FROM PUBLIC");
        SOURCE.psql("postgres", "GRANT CONNECT, TEMPORARY ON DATABASE " + q + " TO " + READER + " WITH GRANT OPTION");
        SOURCE.psql(db, "CREATE SCHEMA app; CREATE TABLE app.t(i int); INSERT INTO app.t VALUES (1), (2);"
                + " ALTER SCHEMA app OWNER TO " + AppRole.NAME + "; ALTER TABLE app.t OWNER TO " + AppRole.NAME);
        List<String> leader = properties(SOURCE, db);
        assertTrue(leader.toString().contains("statement_timeout=5min") && leader.toString().contains(READER),
                "the leader was not set up: " + leader);

        carry(db, tmp.resolve("b1"));
        assertEquals(leader, properties(STANDBY, db), "the promoted standby differs from the leader");
        assertEquals(List.of("app, \"$user\", public"), STANDBY.psql(db, "SHOW search_path"));
        assertTrue(AppRole.canWrite(STANDBY, db, "INSERT INTO app.t VALUES (3)"), "the owner role cannot write");
        assertEquals(List.of("f"), STANDBY.psql("postgres", "SELECT has_database_privilege('public', "
                + lit(db) + ", 'CONNECT')"), "PUBLIC got CONNECT back");

        // A backup of a demoted (fenced) leader carries the leader's real properties, not the fence's.
        try (Importer importer = provider.importer(TestBackups.settings(SOURCE, db))) {
            importer.demote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(2)).build());
        }
        assertFalse(AppRole.canWrite(SOURCE, db, "INSERT INTO app.t VALUES (4)"), "the demoted leader is not fenced");
        carry(db, tmp.resolve("b2"));
        assertEquals(leader, properties(STANDBY, db), "a backup of the fenced leader gave the standby the fence's state");
    }

    @Test
    @DisplayName("the import check compares the rows of every table with its dump, not only the number of tables")
    void rowCountsChecked(@TempDir Path tmp) throws Exception {
        String db = SOURCE.createDatabase();
        SOURCE.psql(db, "CREATE TABLE t(i int, s text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 50) g;"
                + " INSERT INTO t VALUES (51, ''), (52, NULL), (53, E'two\\nlines\\\\.');"
                + " CREATE TABLE empty(i int); CREATE TABLE \"odd name\"(x text); INSERT INTO \"odd name\" VALUES ('\\.');");
        // The rows that look like an end marker or an empty line are counted right: the import is not refused.
        carry(db, tmp.resolve("b1"));
        assertEquals(List.of("53"), STANDBY.psql(db, "SELECT count(*) FROM t"));
        Path dump = tmp.resolve("b1").resolve(DumpMetadata.read(tmp.resolve("b1")).databases().get(0).directory());

        // A restore that lost a row (here: deleted by hand) fails the check that an import runs, naming the table.
        STANDBY.psql(db, "BEGIN READ WRITE; DELETE FROM t WHERE i = 1; COMMIT");
        PostgresSettings settings = PostgresSettings.from(TestBackups.settings(STANDBY, db));
        PgTools tools = PgTools.system(settings.toolDirectory());
        try (PgSession pg = new PgSession(settings, tools, org.resilient.api.Cancellation.never(), "test")) {
            String toc = pg.run("toc", List.of(pg.tool("pg_restore").toString(), "-l", dump.toString())).stdout();
            org.resilient.api.ResilienceException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.resilient.api.ResilienceException.class, () -> RowCounts.check(pg, toc, dump, RowCounts.count(dump), db, db));
            assertEquals(org.resilient.api.ErrorCode.VERIFICATION_FAILED, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("public.t has 52 rows, the dump 53"), e.getMessage());
            STANDBY.psql(db, "BEGIN READ WRITE; INSERT INTO t VALUES (1, 'row 1'); COMMIT");
            RowCounts.check(pg, toc, dump, RowCounts.count(dump), db, db);
        }
    }

    /** Exports the database from the source, imports it into the standby and promotes it there. */
    private void carry(String db, Path backup) throws java.io.IOException {
        Files.createDirectories(backup);
        try (var exporter = provider.exporter(TestBackups.settings(SOURCE, db))) {
            exporter.export(TestBackups.exportContext(backup));
        }
        try (Importer importer = provider.importer(TestBackups.settings(STANDBY, db))) {
            importer.importBackup(TestBackups.importContext(backup));
            assertEquals(List.of("0"), STANDBY.psql("postgres", "SELECT datconnlimit FROM pg_database WHERE datname = "
                    + lit(db)), "the standby is not fenced before promotion");
            importer.promote(TestBackups.promoteContext(backup.getParent()));
        }
    }

    /** Owner, connection limit, comment, settings and ACL of a database, in a form both servers can compare. */
    private static List<String> properties(PostgresServer server, String db) {
        String d = "(SELECT oid FROM pg_database WHERE datname = " + lit(db) + ")";
        List<String> p = new ArrayList<>();
        p.addAll(server.psql("postgres", "SELECT 'owner ' || pg_get_userbyid(datdba) || ', limit ' || datconnlimit"
                + " || ', comment ' || md5(coalesce(shobj_description(oid, 'pg_database'), '')) FROM pg_database"
                + " WHERE oid = " + d));
        p.addAll(server.psql("postgres", "SELECT 'setting ' || c FROM pg_db_role_setting s, unnest(s.setconfig) c"
                + " WHERE s.setdatabase = " + d + " AND s.setrole = 0 ORDER BY 1"));
        p.addAll(server.psql("postgres", "SELECT 'acl ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                + "pg_get_userbyid(a.grantee) END || ' ' || a.privilege_type || ' ' || a.is_grantable || ' by '"
                + " || pg_get_userbyid(a.grantor) FROM pg_database x, aclexplode(coalesce(x.datacl, "
                + "acldefault('d', x.datdba))) a WHERE x.oid = " + d + " ORDER BY 1"));
        return p;
    }

    private static String lit(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
