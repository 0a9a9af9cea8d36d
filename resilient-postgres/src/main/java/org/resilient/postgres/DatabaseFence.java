package org.resilient.postgres;

import java.util.ArrayList;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;

/**
 * Fences a database against ordinary clients (every role that is not a superuser, the owners of its tables and
 * of the database included), and lifts the fence exactly. Used on a standby (after each import) and on a demoted
 * leader; lifted by promotion.
 *
 * <p>Why this mechanism: {@code default_transaction_read_only} is a default any session may override
 * ({@code BEGIN READ WRITE}, {@code SET default_transaction_read_only = off}); revoking write privileges leaves
 * the owners of tables able to {@code DROP}/{@code ALTER} them and to grant the privileges back to themselves,
 * and it would have to be redone on every object a {@code pg_restore} creates. The fence therefore works at the
 * door of the database, in what only a superuser can change:
 * <ol>
 *   <li>{@code CONNECTION LIMIT 0}: no role that is not a superuser can open a session on the database;</li>
 *   <li>the database is handed to the fencing (superuser) role, so that its previous owner, an ordinary role,
 *       can no longer {@code ALTER DATABASE ... CONNECTION LIMIT} it back;</li>
 *   <li>the sessions ordinary roles already hold on it are ended ({@code pg_terminate_backend});</li>
 *   <li>{@code default_transaction_read_only = on} keeps the administrators who still connect from writing by
 *       mistake (they can override it, as they can everything).</li>
 * </ol>
 * What was there before (connection limit and owner) is kept in the database's own settings, as the custom
 * parameter {@value #MARKER}, written in the same transaction as the fence. It marks the database as fenced
 * (so a second fence does not record the fenced state as the one to restore), travels with the database when
 * an import swaps it in by renames, and is never part of a dump ({@code pg_dump} without {@code --create}
 * leaves database-level settings, owner and ACL out), so a backup of a fenced database restores unfenced data
 * and each import fences its new database itself. The price: a fenced database cannot be read by ordinary
 * roles either; read the standby as a superuser.
 */
final class DatabaseFence {
    /** The custom parameter holding what the fence replaced. */
    static final String MARKER = "resilient.fence";
    private static final String LIMIT_KEY = "connection-limit=";
    private static final String OWNER_KEY = ";owner=";
    private static final long TERMINATE_DEADLINE_MILLIS = 10_000;

    private final PgSession pg;
    private final String maintenanceDb;
    private final Logger log;

    /**
     * A fence on one server.
     *
     * @param pg the session, as a superuser for a fence that owners cannot lift
     * @param log where to log
     */
    DatabaseFence(PgSession pg, Logger log) {
        this.pg = pg;
        this.maintenanceDb = pg.settings().maintenanceDatabase();
        this.log = log;
    }

    /**
     * Fences a database; a database already fenced stays fenced with its recorded state unchanged.
     *
     * @param db the database
     * @param endSessions whether to end the sessions ordinary roles hold on it now
     */
    void fence(String db, boolean endSessions) {
        List<String> row = pg.query(maintenanceDb, "SELECT pg_get_userbyid(datdba), datconnlimit, "
                + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) FROM pg_database WHERE datname = "
                + PgSession.literal(db));
        if (row.isEmpty()) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot fence database '" + db + "' on "
                    + pg.settings().where() + ": it does not exist");
        }
        String[] f = row.get(0).split("\u001f", -1);
        boolean superuser = "t".equals(f[2]);
        String ident = PgSession.ident(db);
        List<String> sql = new ArrayList<>(List.of("BEGIN"));
        if (recorded(db) == null) {
            sql.add("ALTER DATABASE " + ident + " SET " + MARKER + " = "
                    + PgSession.literal(LIMIT_KEY + f[1] + OWNER_KEY + f[0]));
        }
        sql.add("ALTER DATABASE " + ident + " CONNECTION LIMIT 0");
        if (superuser) {
            sql.add("ALTER DATABASE " + ident + " OWNER TO CURRENT_USER");
        } else {
            log.warn("fencing database '{}' on {} as {}, not a superuser: its owner '{}' could lift the fence",
                    db, pg.settings().where(), pg.settings().user(), f[0]);
        }
        sql.add("ALTER DATABASE " + ident + " SET default_transaction_read_only = on");
        sql.add("COMMIT");
        pg.execute(maintenanceDb, String.join(";\n", sql) + ";");
        if (endSessions) {
            endOrdinarySessions(db);
        }
    }

    /**
     * Lifts the fence: restores the recorded connection limit and owner and drops the read-only default. A
     * database without a record (fenced by an older version, by {@code default_transaction_read_only} only) only
     * loses the read-only default.
     *
     * @param db the database
     */
    void lift(String db) {
        String record = recorded(db);
        String ident = PgSession.ident(db);
        List<String> sql = new ArrayList<>(List.of("BEGIN"));
        if (record != null) {
            int sep = record.indexOf(OWNER_KEY);
            if (!record.startsWith(LIMIT_KEY) || sep < 0) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, "database '" + db + "' on "
                        + pg.settings().where() + " has a malformed " + MARKER + " setting ('" + record + "'); set its "
                        + "owner and CONNECTION LIMIT by hand, then ALTER DATABASE ... RESET " + MARKER);
            }
            String limit = record.substring(LIMIT_KEY.length(), sep);
            String owner = record.substring(sep + OWNER_KEY.length());
            if ("0".equals(pg.queryValue(maintenanceDb, "SELECT count(*) FROM pg_roles WHERE rolname = "
                    + PgSession.literal(owner)).trim())) {
                log.warn("database '{}' on {} was owned by role '{}', which no longer exists: it keeps its current owner",
                        db, pg.settings().where(), owner);
            } else {
                sql.add("ALTER DATABASE " + ident + " OWNER TO " + PgSession.ident(owner));
            }
            sql.add("ALTER DATABASE " + ident + " CONNECTION LIMIT " + Integer.parseInt(limit.trim()));
            sql.add("ALTER DATABASE " + ident + " RESET " + MARKER);
        }
        sql.add("ALTER DATABASE " + ident + " RESET default_transaction_read_only");
        sql.add("COMMIT");
        pg.execute(maintenanceDb, String.join(";\n", sql) + ";");
    }

    /**
     * The databases that carry a fence or the read-only default of a standby.
     *
     * @return their names
     */
    List<String> fencedDatabases() {
        return pg.query(maintenanceDb, "SELECT DISTINCT d.datname FROM pg_db_role_setting s JOIN pg_database d ON "
                + "d.oid = s.setdatabase, unnest(s.setconfig) c WHERE s.setrole = 0 AND (c LIKE "
                + PgSession.literal(MARKER + "=%") + " OR c = 'default_transaction_read_only=on') ORDER BY 1");
    }

    /** What a fence recorded, or null if the database is not fenced. */
    private String recorded(String db) {
        List<String> rows = pg.query(maintenanceDb, "SELECT substr(c, " + (MARKER.length() + 2) + ") FROM "
                + "pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c "
                + "WHERE s.setrole = 0 AND d.datname = " + PgSession.literal(db) + " AND c LIKE "
                + PgSession.literal(MARKER + "=%"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * Ends the sessions of roles that are not superusers, until none is left: a session that was being opened
     * while the fence committed may show up after the first round.
     */
    private void endOrdinarySessions(String db) {
        String ordinary = "FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid WHERE a.datname = "
                + PgSession.literal(db) + " AND a.pid <> pg_backend_pid() AND NOT r.rolsuper";
        long deadline = System.currentTimeMillis() + TERMINATE_DEADLINE_MILLIS;
        int ended = 0;
        while (true) {
            ended += Integer.parseInt(pg.queryValue(maintenanceDb,
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid)) " + ordinary).trim());
            if ("0".equals(pg.queryValue(maintenanceDb, "SELECT count(*) " + ordinary).trim())) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new ResilienceException(ErrorCode.TIMEOUT, "database '" + db + "' on " + pg.settings().where()
                        + " is fenced, but sessions of ordinary roles did not end within "
                        + TERMINATE_DEADLINE_MILLIS / 1000 + " s; end them by hand (pg_terminate_backend)");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while ending sessions on '" + db + "'");
            }
        }
        if (ended > 0) {
            log.info("ended {} session(s) of ordinary roles on fenced database '{}' on {}", ended, db,
                    pg.settings().where());
        }
    }
}
