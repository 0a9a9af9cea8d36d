package org.resilient.mysql;

import static org.resilient.mysql.DatabaseNames.q;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps loaded databases into place, one database after another: each database's tables move in one
 * {@code RENAME TABLE} statement (its current tables out to {@code <db>__rold}, the loaded ones in from
 * {@code <db>__rtmp}, its journal along), which MariaDB and MySQL apply atomically. One statement per database,
 * not one for all: a multi-table rename costs more per table the more tables it holds (MariaDB 10.11, 20 x 101
 * tables: one statement 74 s, twenty statements 37 s on a loaded machine), and each database's journal makes its
 * own rename safe against a crash ({@link SwapJournal}). So for a moment some databases hold the new backup and
 * others the old one; a failure before the end undoes every database already swapped.
 *
 * <p>A table with triggers cannot be renamed into another database, so a database's triggers are dropped just
 * before its rename and the backup's created right after it (the only moment a trigger is missing: MariaDB cannot
 * move a trigger from one table to another in one statement). Views are never dropped: they name tables, which
 * the rename replaces, and the backup's are applied with {@code CREATE OR REPLACE VIEW}. Every object of the
 * standby is saved first ({@link StandbyObjects}), each is created under the {@code sql_mode} and character sets
 * it was created with ({@link ObjectModes}). If a rename or any object fails, the swap is undone: the tables are
 * renamed back in one statement and the saved objects recreated as they were. The replaced tables are dropped
 * by the importer after it returns ({@link ReplacedCopies}).
 */
final class StandbySwap {
    private static final Logger LOG = LoggerFactory.getLogger(StandbySwap.class);
    private static final Pattern OR_REPLACE = Pattern.compile("(?is)^\\s*CREATE\\s+(?!OR\\s+REPLACE\\b)");
    private static final Pattern SET_CHARSET = Pattern.compile("(?i)SET\\s+(character_set_client|collation_connection)\\s*=\\s*'?(\\w+)'?");

    private final MysqlConnection c;
    private final List<DumpLayout.Database> dbs;
    private final java.nio.file.Path dump;
    private final java.util.function.Consumer<String> crashPoints;

    /**
     * A swap of loaded databases.
     *
     * @param c the connection
     * @param dbs the databases, loaded into their {@code __rtmp} twins
     * @param dump the dump directory (for the objects' recorded modes)
     * @param crashPoints told each named point the swap reaches; tests throw there to simulate a crash
     */
    StandbySwap(MysqlConnection c, List<DumpLayout.Database> dbs, java.nio.file.Path dump,
                java.util.function.Consumer<String> crashPoints) {
        this.c = c;
        this.dbs = dbs;
        this.dump = dump;
        this.crashPoints = crashPoints;
    }

    /**
     * Runs the swap, database by database (see the class comment).
     *
     * @throws IOException if the dump's object files cannot be read
     */
    void run() throws IOException {
        Map<String, List<StandbyObjects.Definition>> before = new LinkedHashMap<>();
        for (DumpLayout.Database db : dbs) {
            String target = db.name;
            c.execute("CREATE DATABASE IF NOT EXISTS " + q(target) + db.charsetClause());
            if (!db.charsetClause().isEmpty()) {
                c.execute("ALTER DATABASE " + q(target) + db.charsetClause());
            }
            // a leftover the background drop of an earlier import did not get to (see ReplacedCopies)
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.replaced(target)));
            c.execute("CREATE DATABASE " + q(DatabaseNames.replaced(target)));
            before.put(target, StandbyObjects.save(c, target));
        }
        ObjectModes modes = ObjectModes.read(dump);
        List<String> renames = new ArrayList<>();
        Map<String, List<StandbyObjects.Definition>> swapped = new LinkedHashMap<>();
        for (DumpLayout.Database db : dbs) {
            List<String> own = renames(db.name);
            try {
                swapIn(db.name, own, before.get(db.name));
            } catch (RuntimeException e) {
                if (!swapped.isEmpty()) {
                    rollBack(renames, swapped);
                }
                dropReplaced(before.keySet());
                throw e;
            }
            renames.addAll(own);
            swapped.put(db.name, before.get(db.name));
            try {
                crashPoints.accept("objects " + db.name);
                replaceObjects(db.name, backupObjects(db, modes));
            } catch (RuntimeException | IOException e) {
                String why = e.getMessage();
                rollBack(renames, swapped);
                dropReplaced(before.keySet());
                throw new ResilienceException(ErrorCode.TOOL_FAILED, "the views, triggers, routines or events of "
                        + db.name + " could not be created on " + c.where() + ": " + why + "; the import was undone and"
                        + " the standby keeps its previous data, objects included", e);
            }
        }
        Map<String, String> moved = new LinkedHashMap<>();
        for (DumpLayout.Database db : dbs) {
            moved.put(DatabaseNames.replaced(db.name), db.name);
        }
        try {
            repointForeignKeys(c, moved);
        } catch (RuntimeException e) {
            String why = e.getMessage();
            rollBack(renames, swapped);
            throw new ResilienceException(ErrorCode.TOOL_FAILED, "the foreign keys into the imported databases could"
                    + " not be moved on " + c.where() + ": " + why + "; the import was undone and the standby keeps its"
                    + " previous data", e);
        }
        for (DumpLayout.Database db : dbs) {
            SwapJournal.commit(c, db.name);
        }
        crashPoints.accept("committed");
    }

    /** The clauses of a database's rename: its current tables out to {@code __rold}, the loaded ones in. */
    private List<String> renames(String target) {
        List<String> out = new ArrayList<>();
        String old = DatabaseNames.replaced(target);
        String tmp = DatabaseNames.loading(target);
        for (String t : baseTables(target)) {
            out.add(q(target) + "." + q(t) + " TO " + q(old) + "." + q(t));
        }
        for (String t : baseTables(tmp)) {
            out.add(q(tmp) + "." + q(t) + " TO " + q(target) + "." + q(t));
        }
        return out;
    }

    /**
     * Moves one database's loaded tables in with one {@code RENAME TABLE} (with its journal). A table with triggers
     * cannot move to another database, so the standby's triggers are dropped just before; its views stay (they
     * name tables, which the rename replaces), except one whose name a loaded table takes. On failure, this
     * database's triggers and views are put back; the databases swapped before it are the caller's to undo.
     */
    private void swapIn(String target, List<String> renames, List<StandbyObjects.Definition> saved) {
        try {
            SwapJournal.write(c, target, saved);
            StandbyObjects.drop(c, target, List.of("TRIGGER"));
            java.util.Set<String> incoming = new java.util.HashSet<>(baseTables(DatabaseNames.loading(target)));
            for (String v : StandbyObjects.names(c, "VIEW", target)) {
                if (incoming.contains(v)) {
                    c.execute("DROP VIEW IF EXISTS " + q(target) + "." + q(v));
                }
            }
            crashPoints.accept("before-rename");
            List<String> withJournal = new ArrayList<>(renames);
            withJournal.add(SwapJournal.renameClause(target));
            rename(withJournal);
        } catch (SQLException | RuntimeException e) {
            putBack(Map.of(target, saved), List.of());
            SwapJournal.commit(c, target);
            if (e instanceof SQLException sql) {
                throw SqlErrors.map(sql, "the swap (RENAME TABLE) of " + target + " failed on " + c.where()
                        + "; the standby keeps its previous data", null);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Replaces a swapped database's objects by the backup's: triggers first (they were dropped for the rename),
     * views with {@code CREATE OR REPLACE} so that none is ever missing, the standby's views the backup does not
     * have dropped after, routines and events dropped and created. Events are then disabled on the standby.
     */
    private void replaceObjects(String db, List<StandbyObjects.Definition> defs) {
        StandbyObjects.create(c, defs.stream().filter(d -> d.kind().equals("TRIGGER")).toList());
        java.util.Set<String> views = new java.util.HashSet<>();
        List<StandbyObjects.Definition> ordered = new ArrayList<>();
        StandbyObjects.drop(c, db, List.of("FUNCTION", "PROCEDURE", "EVENT"));
        for (StandbyObjects.Definition d : defs) {
            if (d.kind().equals("VIEW")) {
                views.add(d.name());
                ordered.add(new StandbyObjects.Definition(d.kind(), d.db(), d.name(), orReplace(d.statement()), d.mode()));
            } else if (!d.kind().equals("TRIGGER")) {
                ordered.add(d);
            }
        }
        StandbyObjects.create(c, ordered);
        for (String v : StandbyObjects.names(c, "VIEW", db)) {
            if (!views.contains(v)) {
                c.execute("DROP VIEW IF EXISTS " + q(db) + "." + q(v));
            }
        }
        // A standby must not run the source's scheduled jobs; promote() enables them again.
        for (String ev : c.column("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
                + MysqlConnection.literal(db) + " AND STATUS = 'ENABLED'")) {
            c.execute("ALTER EVENT " + q(db) + "." + q(ev) + " DISABLE ON SLAVE");
        }
    }

    /** {@code CREATE ... VIEW} as {@code CREATE OR REPLACE ... VIEW}: replaces a view in one statement. */
    static String orReplace(String createView) {
        return OR_REPLACE.matcher(createView).replaceFirst("CREATE OR REPLACE ");
    }

    private void dropReplaced(java.util.Set<String> targets) {
        for (String target : targets) {
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.replaced(target)));
        }
    }

    /**
     * InnoDB moves a foreign key along with the table it references, so after the swap a foreign key of another
     * database (or of a table loaded this time) into an imported database references the replaced table in
     * {@code <db>__rold}, and would dangle once that is dropped. Points each such key, outside the temporary
     * databases, back to the table of the same name in the database it should reference.
     *
     * @param c the connection
     * @param moved from which database to which the references go
     */
    static void repointForeignKeys(MysqlConnection c, Map<String, String> moved) {
        if (moved.isEmpty()) {
            return;
        }
        String in = String.join(",", moved.keySet().stream().map(MysqlConnection::literal).toList());
        for (List<String> r : c.query("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA"
                + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA IN (" + in + ")")) {
            String schema = r.get(0);
            if (schema.endsWith(DatabaseNames.LOADING) || schema.endsWith(DatabaseNames.REPLACED)) {
                continue;
            }
            String table = q(schema) + "." + q(r.get(1));
            String prefix = "CONSTRAINT " + q(r.get(2)) + " FOREIGN KEY ";
            String definition = c.query("SHOW CREATE TABLE " + table).get(0).get(1).lines().map(String::strip)
                    .filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new ResilienceException(
                            ErrorCode.TOOL_FAILED, "cannot find foreign key " + r.get(2) + " of " + table));
            if (definition.endsWith(",")) {
                definition = definition.substring(0, definition.length() - 1);
            }
            String fixed = definition.replace("REFERENCES " + q(r.get(3)) + ".", "REFERENCES " + q(moved.get(r.get(3))) + ".");
            c.execute("ALTER TABLE " + table + " DROP FOREIGN KEY " + q(r.get(2)));
            c.execute("ALTER TABLE " + table + " ADD " + fixed);
        }
    }

    private void rename(List<String> renames) throws SQLException {
        if (!renames.isEmpty()) {
            c.executeRaw("RENAME TABLE " + String.join(", ", renames));
        }
    }

    /**
     * Undoes a swap whose objects failed: drops what was created, moves the loaded tables back into the loading
     * databases and the replaced ones back in place in one atomic rename, and recreates the saved objects.
     */
    private void rollBack(List<String> renames, Map<String, List<StandbyObjects.Definition>> before) {
        List<String> back = new ArrayList<>();
        for (int i = renames.size() - 1; i >= 0; i--) {
            String[] fromTo = renames.get(i).split(" TO ", 2);
            back.add(fromTo[1] + " TO " + fromTo[0]);
        }
        try {
            for (String db : before.keySet()) {
                StandbyObjects.drop(c, db, StandbyObjects.KINDS);
            }
            rename(back);
            Map<String, String> moved = new LinkedHashMap<>();
            for (String db : before.keySet()) {
                moved.put(DatabaseNames.loading(db), db);
            }
            repointForeignKeys(c, moved);
        } catch (SQLException | RuntimeException e) {
            throw new ResilienceException(ErrorCode.TOOL_FAILED, "undoing a failed import on " + c.where() + " failed: "
                    + e.getMessage() + "; the previous tables are in the " + DatabaseNames.REPLACED + " databases", e);
        }
        putBack(before, StandbyObjects.KINDS);
        for (String db : before.keySet()) {
            SwapJournal.commit(c, db);
            c.execute("DROP DATABASE IF EXISTS " + q(DatabaseNames.replaced(db)));
        }
    }

    /** Recreates saved objects of the given kinds that are missing (all saved triggers and views always are). */
    private void putBack(Map<String, List<StandbyObjects.Definition>> saved, List<String> alsoKinds) {
        for (List<StandbyObjects.Definition> defs : saved.values()) {
            List<StandbyObjects.Definition> missing = defs.stream().filter(d -> d.kind().equals("TRIGGER")
                    || d.kind().equals("VIEW") || d.kind().equals(StandbyObjects.DATABASE)
                    || alsoKinds.contains(d.kind())).toList();
            try {
                StandbyObjects.create(c, missing);
            } catch (ResilienceException e) {
                LOG.warn("could not put back every object on {}: {}", c.where(), e.getMessage());
            }
        }
    }

    /**
     * The backup's views, triggers, routines and events of a database, each with the modes it was created under:
     * recorded by the exporter ({@link ObjectModes}), else the character sets mydumper wrote around it and the
     * server's default {@code sql_mode} (never this session's).
     */
    private List<StandbyObjects.Definition> backupObjects(DumpLayout.Database db, ObjectModes modes) throws IOException {
        List<java.nio.file.Path> files = new ArrayList<>(db.views.values());
        files.addAll(db.triggers.values());
        if (db.post != null) {
            files.add(db.post);
        }
        ObjectModes.Mode fallback = c.defaultMode();
        List<StandbyObjects.Definition> out = new ArrayList<>();
        for (java.nio.file.Path f : files) {
            String client = fallback.charsetClient();
            String collation = fallback.collation();
            for (String s : ObjectScript.statements(f)) {
                Matcher m = SET_CHARSET.matcher(s);
                if (m.matches()) {
                    if (m.group(1).equalsIgnoreCase("character_set_client")) {
                        client = m.group(2);
                    } else {
                        collation = m.group(2);
                    }
                    continue;
                }
                var what = ObjectModes.identify(s);
                if (what.isEmpty()) {
                    continue; // mydumper's DROP ... IF EXISTS and SET lines: the swap drops and sets itself
                }
                ObjectModes.Mode mode = modes.of(db.name, s).orElse(
                        new ObjectModes.Mode(fallback.sqlMode(), client, collation));
                if (what.get().get(0).equals("VIEW")) {
                    mode = ObjectModes.forView(s, mode); // views keep no sql_mode: see forView
                }
                out.add(new StandbyObjects.Definition(what.get().get(0), db.name, what.get().get(1), s, mode));
            }
        }
        return out;
    }

    private List<String> baseTables(String db) {
        return SwapJournal.baseTables(c, db);
    }

}
