package org.resilient.mysql;

import static org.resilient.mysql.DatabaseNames.q;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * Makes the swap safe against a crash (the node killed, the server restarted). Before the swap drops the
 * standby's triggers and views, it writes every saved object into a journal table {@value #TABLE} in the
 * loading database {@code <db>__rtmp}; the swap's one {@code RENAME TABLE} moves the journal into
 * {@code <db>__rold} together with the data, atomically. So where the journal is tells how far a swap got:
 * in {@code __rtmp}, before the rename (the tables are the standby's own: put its triggers and views back); in
 * {@code __rold}, after it (rename the standby's tables back and recreate all its objects). A finished swap
 * drops the journal first, then the temporary databases. {@link #recover} runs before every import and
 * promotion, so a standby never stays, or is promoted, without the objects an interrupted swap had dropped.
 */
final class SwapJournal {
    /** The journal's table name (in the component's temporary databases only). */
    static final String TABLE = "__resilient_objects";

    private SwapJournal() {
    }

    /**
     * Writes the journal of a database's saved objects into its loading database.
     *
     * @param c the connection
     * @param db the standby database
     * @param defs its objects as they are
     */
    static void write(MysqlConnection c, String db, List<StandbyObjects.Definition> defs) {
        String table = q(DatabaseNames.loading(db)) + "." + q(TABLE);
        c.execute("CREATE TABLE " + table + " (seq INT PRIMARY KEY, kind VARCHAR(16) NOT NULL, name VARCHAR(64) NOT NULL,"
                + " statement LONGTEXT NOT NULL, sql_mode VARCHAR(1024) NOT NULL, charset_client VARCHAR(64) NOT NULL,"
                + " collation VARCHAR(64) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        // one statement per 100 objects, not one per object: this runs in every swap, for every table's triggers
        List<String> rows = new ArrayList<>();
        for (int seq = 0; seq < defs.size(); seq++) {
            StandbyObjects.Definition d = defs.get(seq);
            rows.add("(" + seq + ", " + String.join(", ", List.of(d.kind(), d.name(), d.statement(), d.mode().sqlMode(),
                    d.mode().charsetClient(), d.mode().collation()).stream().map(MysqlConnection::literal).toList()) + ")");
            if (rows.size() == 100 || seq == defs.size() - 1) {
                c.execute("INSERT INTO " + table + " VALUES " + String.join(", ", rows));
                rows.clear();
            }
        }
    }

    /**
     * The clause of the swap's rename that moves the journal along with the data.
     *
     * @param db the standby database
     * @return {@code <db>__rtmp.__resilient_objects TO <db>__rold.__resilient_objects}
     */
    static String renameClause(String db) {
        return q(DatabaseNames.loading(db)) + "." + q(TABLE) + " TO " + q(DatabaseNames.replaced(db)) + "." + q(TABLE);
    }

    /**
     * Marks a swap finished: without a journal, leftover temporary databases are only dropped.
     *
     * @param c the connection
     * @param db the standby database
     */
    static void commit(MysqlConnection c, String db) {
        c.execute("DROP TABLE IF EXISTS " + q(DatabaseNames.replaced(db)) + "." + q(TABLE));
        c.execute("DROP TABLE IF EXISTS " + q(DatabaseNames.loading(db)) + "." + q(TABLE));
    }

    /**
     * Puts back what an interrupted swap left: see the class comment. Does nothing when no journal is left.
     *
     * @param c the connection
     * @param log where to say what was repaired
     * @return {@code ROLLED_BACK} if a swap was undone, {@code ROLLED_FORWARD} if only a finished swap's temporary
     *     databases were dropped, else {@code NOTHING_FOUND}
     */
    static org.resilient.api.StandbyRecovery recover(MysqlConnection c, Logger log) {
        return recover(c, log, replaced -> replaced.forEach(r -> c.execute("DROP DATABASE IF EXISTS " + q(r))));
    }

    /**
     * Puts back what an interrupted swap left, as {@link #recover(MysqlConnection, Logger)} does, but hands the
     * {@code __rold} databases of finished swaps to {@code dropReplaced} instead of dropping them (an import
     * drops them in the background: {@link ReplacedCopies}).
     *
     * @param c the connection
     * @param log where to say what was repaired
     * @param dropReplaced given the {@code __rold} databases of swaps that had committed
     * @return as {@link #recover(MysqlConnection, Logger)}
     */
    static org.resilient.api.StandbyRecovery recover(MysqlConnection c, Logger log, java.util.function.Consumer<List<String>> dropReplaced) {
        Map<String, String> journals = new TreeMap<>();
        for (String schema : c.column("SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_NAME = "
                + MysqlConnection.literal(TABLE))) {
            if (schema.endsWith(DatabaseNames.LOADING) || schema.endsWith(DatabaseNames.REPLACED)) {
                journals.put(schema.substring(0, schema.length() - DatabaseNames.LOADING.length()), schema);
            }
        }
        List<String> finished = finished(c, journals.keySet(), log);
        dropReplaced.accept(finished);
        if (journals.isEmpty()) {
            return !finished.isEmpty() ? org.resilient.api.StandbyRecovery.ROLLED_FORWARD : org.resilient.api.StandbyRecovery.NOTHING_FOUND;
        }
        List<String> back = new ArrayList<>();
        Map<String, String> moved = new TreeMap<>();
        for (var j : journals.entrySet()) {
            String db = j.getKey();
            if (j.getValue().endsWith(DatabaseNames.REPLACED)) {
                String tmp = DatabaseNames.loading(db);
                c.execute("CREATE DATABASE IF NOT EXISTS " + q(tmp));
                for (String t : baseTables(c, db)) {
                    back.add(q(db) + "." + q(t) + " TO " + q(tmp) + "." + q(t));
                }
                for (String t : baseTables(c, j.getValue())) {
                    if (!t.equals(TABLE)) {
                        back.add(q(j.getValue()) + "." + q(t) + " TO " + q(db) + "." + q(t));
                    }
                }
                moved.put(tmp, db);
            }
        }
        if (!back.isEmpty()) {
            c.execute("RENAME TABLE " + String.join(", ", back));
        }
        StandbySwap.repointForeignKeys(c, moved);
        for (var j : journals.entrySet()) {
            String db = j.getKey();
            List<StandbyObjects.Definition> defs = read(c, j.getValue(), db);
            boolean renamed = j.getValue().endsWith(DatabaseNames.REPLACED);
            // Before the rename only the triggers and views were dropped; after it every object was replaced.
            List<String> kinds = renamed ? StandbyObjects.KINDS : List.of("TRIGGER", "VIEW");
            StandbyObjects.drop(c, db, kinds);
            StandbyObjects.create(c, defs.stream().filter(d -> kinds.contains(d.kind())
                    || d.kind().equals(StandbyObjects.DATABASE)).toList());
            commit(c, db);
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.replaced(db)));
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.loading(db)));
            log.warn("an import into {} on {} was interrupted {} the swap; the database is back as it was before that"
                    + " import (tables, views, triggers, routines, events)", db, c.where(), renamed ? "during" : "before");
        }
        return org.resilient.api.StandbyRecovery.ROLLED_BACK;
    }

    /**
     * The {@code <db>__rold} databases of swaps that were committed (their journal dropped) but not cleaned up: a
     * {@code __rold} without a journal next to a {@code <db>__rtmp} that is missing or holds no table (that one
     * is dropped here). Only such a pair is a finished swap's; a swap still under way has its loaded tables in
     * {@code __rtmp} or its journal in one of the two.
     */
    private static List<String> finished(MysqlConnection c, java.util.Set<String> journaled, Logger log) {
        List<String> out = new ArrayList<>();
        for (String schema : c.column("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE "
                + MysqlConnection.literal("%" + DatabaseNames.REPLACED.replace("_", "\\_")))) {
            String db = schema.substring(0, schema.length() - DatabaseNames.REPLACED.length());
            if (journaled.contains(db) || !baseTables(c, DatabaseNames.loading(db)).isEmpty()) {
                continue;
            }
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.loading(db)));
            out.add(schema);
            log.info("the replaced copy {} of an earlier import into {} on {} is left; it is dropped now", schema, db,
                    c.where());
        }
        return out;
    }

    private static List<StandbyObjects.Definition> read(MysqlConnection c, String schema, String db) {
        List<StandbyObjects.Definition> out = new ArrayList<>();
        for (List<String> r : c.query("SELECT kind, name, statement, sql_mode, charset_client, collation FROM "
                + q(schema) + "." + q(TABLE) + " ORDER BY seq")) {
            out.add(new StandbyObjects.Definition(r.get(0), db, r.get(1), r.get(2),
                    new ObjectModes.Mode(r.get(3), r.get(4), r.get(5))));
        }
        return out;
    }

    /**
     * The base tables of a database.
     *
     * @param c the connection
     * @param db the database
     * @return their names, sorted
     */
    static List<String> baseTables(MysqlConnection c, String db) {
        return c.column("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + MysqlConnection.literal(db)
                + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') ORDER BY TABLE_NAME");
    }
}
