package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.testservers.MariaDbServer;

/**
 * Issue 16.9 for views: a view keeps no {@code sql_mode}; MariaDB stores it canonical ({@code a || b} under
 * {@code PIPES_AS_CONCAT} becomes {@code concat(a,b)}, {@code "c"} under {@code ANSI_QUOTES} becomes {@code `c`},
 * string literals backslash-escaped). So views created under those modes give the same results on the standby, and
 * they must do so too when the standby server's own default {@code sql_mode} differs (a view recreated under
 * {@code NO_BACKSLASH_ESCAPES} would silently change {@code 'a\\b'}, and {@code 'it\'s'} would not parse).
 */
@DisplayName("mysql: views created under other sql_modes give the same results on the standby")
class MysqlViewModesTest extends TwoServerTest {
    private static final List<String> VIEWS = List.of("v_pipes", "v_ansi", "v_nobs", "v_plain");

    private static void roundTrip(String name) throws IOException {
        importInto(export(name, TestDb.settings(source, "viewmodes")), "viewmodes");
    }

    /** Each view's rows and its SHOW CREATE VIEW, read under one plain session mode on either server. */
    private static Map<String, String> views(MariaDbServer server) {
        Map<String, String> out = new TreeMap<>();
        for (String v : VIEWS) {
            out.put("rows " + v, TestDb.query(server, "SELECT * FROM viewmodes." + v + " ORDER BY 1").toString());
            out.put("create " + v, TestDb.query(server, "SHOW CREATE VIEW viewmodes." + v).get(0).get(1));
        }
        return out;
    }

    @Test
    @DisplayName("views made under PIPES_AS_CONCAT, ANSI_QUOTES and NO_BACKSLASH_ESCAPES, on a standby with its own modes")
    void viewsKeepTheirMeaning() throws IOException {
        TestDb.exec(source, "DROP DATABASE IF EXISTS viewmodes", "CREATE DATABASE viewmodes", "USE viewmodes",
                "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10)) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1, 'x', 'y'), (2, '0', '1')",
                "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
                "CREATE VIEW v_pipes AS SELECT id, a || b AS ab, 'p' || 'q' AS pq FROM t",
                "SET SESSION sql_mode = 'ANSI_QUOTES'",
                "CREATE VIEW \"v_ansi\" AS SELECT \"id\", \"a\", 'it''s' AS s FROM \"t\"",
                "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'",
                "CREATE VIEW v_nobs AS SELECT id, 'a\\b' AS s, LENGTH('a\\b') AS n, CONCAT(a, '\\') AS c FROM t",
                "SET SESSION sql_mode = DEFAULT",
                "CREATE VIEW v_plain AS SELECT id, a || b AS o FROM t");
        Map<String, String> leader = views(source);
        assertEquals("[[1, a\\b, 3, x\\], [2, a\\b, 3, 0\\]]", leader.get("rows v_nobs"), "the source's view itself");

        // A standby server with the usual default mode: the canonical definitions mean the same there.
        roundTrip("viewmodes-1");
        assertEquals(leader, views(standby));

        // A standby server whose default mode differs: the views must still mean what they meant on the leader.
        String global = TestDb.value(standby, "SELECT @@GLOBAL.sql_mode");
        TestDb.exec(source, "UPDATE viewmodes.t SET b = 'z' WHERE id = 1");
        leader = views(source);
        try {
            TestDb.exec(standby, "SET GLOBAL sql_mode = 'NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES'");
            roundTrip("viewmodes-2");
        } finally {
            TestDb.exec(standby, "SET GLOBAL sql_mode = '" + global + "'");
        }
        assertEquals(leader, views(standby));
    }
}
