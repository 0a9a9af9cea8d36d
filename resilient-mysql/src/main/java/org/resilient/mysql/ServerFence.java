package org.resilient.mysql;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;

/**
 * Fences a MariaDB/MySQL server against ordinary clients, and lifts the fence: what a standby is between
 * imports, and what a demoted leader becomes.
 *
 * <p>The fence is the server's own: {@code read_only=ON} refuses every write (DML and DDL, whatever the session
 * sets: {@code tx_read_only} and {@code START TRANSACTION READ WRITE} do not lift it) from accounts
 * without READ_ONLY ADMIN (MariaDB 10.11, which no longer counts SUPER for it) or SUPER (MySQL). It is global:
 * every database of the server is fenced, not only the component's. Sessions open when the fence goes up are
 * killed, so that no transaction that wrote before can commit after, and clients reconnect (to the new leader);
 * and the enabled events of the component's databases are switched to {@code DISABLE ON SLAVE}, since the event
 * scheduler runs them as their definer, often an account the fence does not stop. Promotion enables them again.
 */
final class ServerFence {
    /** How long {@code SET GLOBAL read_only} may wait for a session's table locks. */
    private static final int LOCK_WAIT_SECONDS = 30;
    /** Server threads, not clients: never killed. */
    private static final String CLIENT_SESSIONS = "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
            + " AND COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker')"
            + " AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')";

    private final MysqlConnection c;
    private final Logger log;

    ServerFence(MysqlConnection c, Logger log) {
        this.c = c;
        this.log = log;
    }

    /**
     * Puts the fence up: ends client sessions, sets {@code read_only=ON}, ends the sessions that connected
     * meanwhile, and disables the events of the databases. Idempotent.
     *
     * @param databases the component's databases, or empty for every database that is not the server's own
     */
    void fence(Set<String> databases) {
        int killed = killClientSessions();
        c.execute("SET SESSION lock_wait_timeout = " + LOCK_WAIT_SECONDS);
        c.execute("SET GLOBAL read_only = 1");
        killed += killClientSessions();
        int events = 0;
        for (String db : targets(databases)) {
            for (String ev : c.column("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
                    + MysqlConnection.literal(db) + " AND STATUS = 'ENABLED'")) {
                c.execute("ALTER EVENT " + DatabaseNames.q(db) + "." + DatabaseNames.q(ev) + " DISABLE ON SLAVE");
                events++;
            }
        }
        log.info("fenced {}: read_only on, {} client session(s) ended, {} event(s) disabled until promotion",
                c.where(), killed, events);
    }

    /**
     * Lifts the fence: enables the events a fence or an import disabled ({@code SLAVESIDE_DISABLED}; events the
     * source had disabled stay disabled) and sets {@code read_only=OFF}.
     *
     * @param databases the component's databases, or empty for every database that is not the server's own
     */
    void lift(Set<String> databases) {
        for (String db : targets(databases)) {
            for (String ev : c.column("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
                    + MysqlConnection.literal(db) + " AND STATUS = 'SLAVESIDE_DISABLED'")) {
                c.execute("ALTER EVENT " + DatabaseNames.q(db) + "." + DatabaseNames.q(ev) + " ENABLE");
            }
        }
        c.execute("SET GLOBAL read_only = 0");
    }

    private Set<String> targets(Set<String> databases) {
        Set<String> dbs = new TreeSet<>(databases);
        if (dbs.isEmpty()) {
            dbs.addAll(c.column("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN "
                    + "('mysql','information_schema','performance_schema','sys')"));
        }
        return dbs;
    }

    private int killClientSessions() {
        List<String> ids = c.column(CLIENT_SESSIONS);
        int killed = 0;
        for (String id : ids) {
            try {
                c.executeRaw("KILL CONNECTION " + Long.parseLong(id));
                killed++;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) { // ER_NO_SUCH_THREAD: it ended by itself meanwhile
                    throw new ResilienceException(ErrorCode.TOOL_FAILED, "cannot end client session " + id + " on "
                            + c.where() + " (" + e.getMessage() + "); the fencing account needs CONNECTION ADMIN "
                            + "(MariaDB) or SUPER / PROCESS to end other accounts' sessions");
                }
            }
        }
        return killed;
    }
}
