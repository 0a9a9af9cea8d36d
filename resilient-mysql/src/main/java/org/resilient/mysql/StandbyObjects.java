package org.resilient.mysql;

import static org.resilient.mysql.DatabaseNames.q;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The views, triggers, routines and events of a standby database exactly as they are ({@code SHOW CREATE}
 * with the modes each was created under), and its default character set, so that a failed import can put them
 * back as they were.
 */
final class StandbyObjects {
    /** Kinds in the order they are created: views, then routines, then triggers (on tables), then events. */
    static final List<String> KINDS = List.of("VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "EVENT");
    /** The kind of the definition that puts a database's default character set and collation back. */
    static final String DATABASE = "DATABASE";

    /**
     * One object.
     *
     * @param kind VIEW, FUNCTION, PROCEDURE, TRIGGER or EVENT
     * @param db its database
     * @param name its name
     * @param statement the statement that creates it
     * @param mode what it was created under
     */
    record Definition(String kind, String db, String name, String statement, ObjectModes.Mode mode) {
    }

    private StandbyObjects() {
    }

    /**
     * Reads the default character set and every view, routine, trigger and event of a database.
     *
     * @param c the connection
     * @param db the database
     * @return the definitions, in creation order
     */
    static List<Definition> save(MysqlConnection c, String db) {
        List<Definition> out = new ArrayList<>();
        for (List<String> r : c.query("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM"
                + " information_schema.SCHEMATA WHERE SCHEMA_NAME = " + MysqlConnection.literal(db))) {
            out.add(new Definition(DATABASE, db, db, "ALTER DATABASE " + q(db) + " CHARACTER SET " + r.get(0)
                    + " COLLATE " + r.get(1), c.defaultMode()));
        }
        for (String kind : KINDS) {
            for (String name : names(c, kind, db)) {
                String what = q(db) + "." + q(name);
                List<String> r = c.query("SHOW CREATE " + kind + " " + what).get(0);
                out.add(switch (kind) {
                    case "VIEW" -> new Definition(kind, db, name, r.get(1), ObjectModes.forView(r.get(1),
                            new ObjectModes.Mode("", r.get(2), r.get(3))));
                    case "EVENT" -> new Definition(kind, db, name, r.get(3), new ObjectModes.Mode(r.get(1), r.get(4), r.get(5)));
                    default -> new Definition(kind, db, name, r.get(2), new ObjectModes.Mode(r.get(1), r.get(3), r.get(4)));
                });
            }
        }
        return out;
    }

    /**
     * Names of a database's objects of one kind.
     *
     * @param c the connection
     * @param kind one of {@link #KINDS}
     * @param db the database
     * @return the names
     */
    static List<String> names(MysqlConnection c, String kind, String db) {
        String lit = MysqlConnection.literal(db);
        return c.column(switch (kind) {
            case "VIEW" -> "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = " + lit;
            case "TRIGGER" -> "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + lit;
            case "EVENT" -> "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + lit;
            default -> "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + lit
                    + " AND ROUTINE_TYPE = " + MysqlConnection.literal(kind);
        });
    }

    /**
     * Drops a database's objects of some kinds.
     *
     * @param c the connection
     * @param db the database
     * @param kinds the kinds
     */
    static void drop(MysqlConnection c, String db, List<String> kinds) {
        for (String kind : kinds) {
            for (String name : names(c, kind, db)) {
                c.execute("DROP " + kind + " IF EXISTS " + q(db) + "." + q(name));
            }
        }
    }

    /**
     * Creates objects, each under its own modes; views that select from views not yet created are retried in
     * rounds until no more succeed.
     *
     * @param c the connection
     * @param defs the definitions
     * @throws ResilienceException naming every object that could not be created
     */
    static void create(MysqlConnection c, List<Definition> defs) {
        List<Definition> pending = new ArrayList<>(defs);
        while (!pending.isEmpty()) {
            Map<String, String> failures = new LinkedHashMap<>();
            List<Definition> next = new ArrayList<>();
            for (Definition d : pending) {
                try {
                    c.use(d.db());
                    c.executeUnder(d.mode(), d.statement());
                } catch (SQLException e) {
                    failures.put(d.kind().toLowerCase(java.util.Locale.ROOT) + " " + d.db() + "." + d.name(), e.getMessage());
                    next.add(d);
                }
            }
            if (next.size() == pending.size()) {
                throw new ResilienceException(ErrorCode.TOOL_FAILED, "cannot create " + failures);
            }
            pending = next;
        }
        c.use("mysql");
    }
}
