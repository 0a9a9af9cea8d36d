package org.resilient.mysql;

import static org.resilient.mysql.DatabaseNames.q;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps loaded databases into place. The data moves in one {@code RENAME TABLE} statement covering every
 * table of every database, which MariaDB and MySQL apply atomically: either all of the standby's tables
 * are replaced or none is.
 *
 * <p>A table with triggers cannot be renamed into another database, and views cannot move between
 * databases, so the standby's current triggers and views are dropped just before the rename and
 * recreated from their saved definitions if the rename fails. After it succeeded, the backup's views,
 * triggers, routines and events are created in the target databases and the replaced tables dropped.
 */
final class StandbySwap {
    private static final Logger LOG = LoggerFactory.getLogger(StandbySwap.class);

    private final MysqlConnection c;
    private final List<DumpLayout.Database> dbs;

    StandbySwap(MysqlConnection c, List<DumpLayout.Database> dbs) {
        this.c = c;
        this.dbs = dbs;
    }

    void run() throws IOException {
        List<String> renames = new ArrayList<>();
        Map<String, List<String>> savedObjects = new LinkedHashMap<>();
        for (DumpLayout.Database db : dbs) {
            String target = db.name;
            String old = DatabaseNames.replaced(target);
            String tmp = DatabaseNames.loading(target);
            c.execute("CREATE DATABASE IF NOT EXISTS " + q(target) + db.charsetClause());
            if (!db.charsetClause().isEmpty()) {
                c.execute("ALTER DATABASE " + q(target) + db.charsetClause());
            }
            c.execute("CREATE DATABASE " + q(old));
            for (String t : baseTables(target)) {
                renames.add(q(target) + "." + q(t) + " TO " + q(old) + "." + q(t));
            }
            for (String t : baseTables(tmp)) {
                renames.add(q(tmp) + "." + q(t) + " TO " + q(target) + "." + q(t));
            }
            savedObjects.put(target, saveAndDropViewsAndTriggers(target));
        }
        if (!renames.isEmpty()) {
            try {
                c.executeRaw("RENAME TABLE " + String.join(", ", renames));
            } catch (SQLException e) {
                restore(savedObjects);
                throw SqlErrors.map(e, "the atomic swap (RENAME TABLE) failed on " + c.where()
                        + "; the standby keeps its previous data", null);
            }
        }
        for (DumpLayout.Database db : dbs) {
            try {
                createObjects(db);
            } catch (ResilienceException | IOException e) {
                throw new ResilienceException(ErrorCode.TOOL_FAILED, "the tables of " + db.name + " were replaced on "
                        + c.where() + " but its views, triggers, routines or events could not be recreated: "
                        + e.getMessage() + "; the next import retries them", e);
            }
        }
        for (DumpLayout.Database db : dbs) {
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.replaced(db.name)));
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.loading(db.name)));
        }
    }

    private List<String> baseTables(String db) {
        return c.column("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + MysqlConnection.literal(db)
                + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') ORDER BY TABLE_NAME");
    }

    /** Returns statements (with a USE first) that recreate what was dropped. */
    private List<String> saveAndDropViewsAndTriggers(String db) {
        List<String> saved = new ArrayList<>();
        saved.add("USE " + q(db));
        for (String trg : c.column("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "
                + MysqlConnection.literal(db))) {
            List<List<String>> rows = c.query("SHOW CREATE TRIGGER " + q(db) + "." + q(trg));
            saved.add(rows.get(0).get(2));
            c.execute("DROP TRIGGER " + q(db) + "." + q(trg));
        }
        for (String view : c.column("SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = "
                + MysqlConnection.literal(db))) {
            List<List<String>> rows = c.query("SHOW CREATE VIEW " + q(db) + "." + q(view));
            saved.add(rows.get(0).get(1));
            c.execute("DROP VIEW " + q(db) + "." + q(view));
        }
        return saved;
    }

    private void restore(Map<String, List<String>> saved) {
        for (List<String> stmts : saved.values()) {
            for (String s : stmts) {
                try {
                    c.executeRaw(s);
                } catch (SQLException e) {
                    LOG.warn("could not restore '{}' after a failed swap: {}", MysqlConnection.abbreviate(s), e.getMessage());
                }
            }
        }
    }

    private void createObjects(DumpLayout.Database db) throws IOException {
        String target = db.name;
        c.use(target);
        for (String ev : c.column("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
                + MysqlConnection.literal(target))) {
            c.execute("DROP EVENT " + q(target) + "." + q(ev));
        }
        for (List<String> r : c.query("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = "
                + MysqlConnection.literal(target))) {
            c.execute("DROP " + r.get(0) + " " + q(target) + "." + q(r.get(1)));
        }
        createViews(db);
        for (var f : db.triggers.values()) {
            for (String s : ObjectScript.statements(f)) {
                c.execute(s);
            }
        }
        if (db.post != null) {
            for (String s : ObjectScript.statements(db.post)) {
                c.execute(s);
            }
        }
        // A standby must not run the source's scheduled jobs; promote() enables them again.
        for (String ev : c.column("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
                + MysqlConnection.literal(target) + " AND STATUS = 'ENABLED'")) {
            c.execute("ALTER EVENT " + q(target) + "." + q(ev) + " DISABLE ON SLAVE");
        }
        c.use("mysql");
    }

    /** Views may select from other views; create them in rounds until no more succeed. */
    private void createViews(DumpLayout.Database db) throws IOException {
        Map<String, List<String>> pending = new LinkedHashMap<>();
        for (var e : db.views.entrySet()) {
            pending.put(e.getKey(), ObjectScript.statements(e.getValue()));
        }
        while (!pending.isEmpty()) {
            Map<String, String> failures = new LinkedHashMap<>();
            int before = pending.size();
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                try {
                    for (String s : e.getValue()) {
                        c.executeRaw(s);
                    }
                    it.remove();
                } catch (SQLException ex) {
                    failures.put(e.getKey(), ex.getMessage());
                }
            }
            if (pending.size() == before) {
                throw new ResilienceException(ErrorCode.TOOL_FAILED, "cannot create view(s) " + failures + " in " + db.name);
            }
        }
    }
}
