package org.resilient.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.resilient.testservers.PostgresServer;

/**
 * What a database holds, as a sorted map: every table's and materialized view's contents as an ordered
 * checksum with its row count, sequences with their current values, large objects, and the definitions of
 * views, functions, triggers, indexes, constraints and extensions. Two databases hold the same thing
 * exactly when their fingerprints are equal.
 */
final class DatabaseFingerprint {
    private static final String USER_NAMESPACES = "nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'";
    private static final String NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE "
            + "d.objid = %s AND d.deptype = 'e')";

    private DatabaseFingerprint() {
    }

    static Connection connect(PostgresServer server, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.user());
        p.setProperty("password", server.password());
        return DriverManager.getConnection(server.jdbcUrl(database), p);
    }

    static TreeMap<String, String> of(PostgresServer server, String database) throws SQLException {
        TreeMap<String, String> map = new TreeMap<>();
        try (Connection c = connect(server, database); Statement st = c.createStatement()) {
            List<String> relations = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
                    + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND " + USER_NAMESPACES + " AND "
                    + String.format(NOT_EXTENSION_MEMBER, "c.oid") + " ORDER BY 1")) {
                while (rs.next()) {
                    relations.add(rs.getString(1));
                }
            }
            for (String rel : relations) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                        + "ORDER BY t::text), '')) FROM " + rel + " t")) {
                    rs.next();
                    map.put("data " + rel, rs.getLong(1) + " rows, md5 " + rs.getString(2));
                }
            }
            put(map, st, "sequence", "SELECT schemaname || '.' || sequencename, coalesce(last_value::text, 'unset') "
                    + "FROM pg_sequences");
            put(map, st, "large object", "SELECT oid::text, md5(lo_get(oid)) FROM pg_largeobject_metadata");
            put(map, st, "view", "SELECT schemaname || '.' || viewname, definition FROM pg_views WHERE "
                    + USER_NAMESPACES.replace("nspname", "schemaname"));
            put(map, st, "matview", "SELECT schemaname || '.' || matviewname, definition FROM pg_matviews");
            put(map, st, "function", "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p "
                    + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_NAMESPACES + " AND "
                    + String.format(NOT_EXTENSION_MEMBER, "p.oid"));
            put(map, st, "trigger", "SELECT tgrelid::regclass::text || ' ' || tgname, pg_get_triggerdef(oid) "
                    + "FROM pg_trigger WHERE NOT tgisinternal");
            put(map, st, "index", "SELECT schemaname || '.' || indexname, indexdef FROM pg_indexes WHERE "
                    + USER_NAMESPACES.replace("nspname", "schemaname"));
            put(map, st, "constraint", "SELECT conrelid::regclass::text || ' ' || conname, pg_get_constraintdef(c.oid) "
                    + "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE " + USER_NAMESPACES);
            put(map, st, "extension", "SELECT extname, extversion FROM pg_extension");
            put(map, st, "schema", "SELECT nspname, nspname FROM pg_namespace WHERE " + USER_NAMESPACES);
        }
        return map;
    }

    private static void put(TreeMap<String, String> map, Statement st, String kind, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                map.put(kind + " " + rs.getString(1), rs.getString(2));
            }
        }
    }
}
