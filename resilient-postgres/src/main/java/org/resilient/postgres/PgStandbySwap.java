package org.resilient.postgres;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;

/**
 * The moves of the standby's databases around an import: repairing what an interrupted import left,
 * swapping restored {@code <db>__resilient_tmp} databases into place in one transaction, and dropping work
 * databases. Every statement runs from the maintenance database.
 */
final class PgStandbySwap {
    private final PgSession pg;
    private final String maintenanceDb;
    private final Logger log;

    /**
     * Swaps on one server.
     *
     * @param pg the session to the standby server
     * @param log where to log
     */
    public PgStandbySwap(PgSession pg, Logger log) {
        this.pg = pg;
        this.maintenanceDb = pg.settings().maintenanceDatabase();
        this.log = log;
    }

    /**
     * Undoes what an interrupted import left: drops leftover {@code __resilient_tmp} databases (their names are
     * needed at once), renames an old copy back if its database is missing, and returns the leftover
     * {@code __resilient_old} copies of live databases, for the caller to drop in the background
     * ({@link ReplacedCopies}) while it restores.
     *
     * @param databases the standby databases the import is about
     * @return the leftover replaced copies still to drop
     */
    public List<String> repair(List<String> databases) {
        Set<String> existing = existing();
        List<String> toDrop = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (String db : databases) {
            String old = WorkNames.old(db);
            if (existing.contains(old) && !existing.contains(db)) {
                // the swap is one transaction, so this only happens if someone renamed by hand; the old copy
                // is the last good state: put it back
                log.warn("database '{}' missing beside '{}' on {}: renaming it back", db, old, where());
                pg.execute(maintenanceDb, "ALTER DATABASE " + PgSession.ident(old) + " RENAME TO " + PgSession.ident(db));
            } else if (existing.contains(old)) {
                replaced.add(old);
            }
            if (existing.contains(WorkNames.tmp(db))) {
                toDrop.add(WorkNames.tmp(db));
            }
        }
        for (String name : toDrop) {
            log.info("dropping leftover work database '{}' on {}", name, where());
            pg.execute(maintenanceDb, "DROP DATABASE IF EXISTS " + PgSession.ident(name) + " WITH (FORCE)");
        }
        return replaced;
    }

    /**
     * Renames every {@code <db>__resilient_tmp} into place in one transaction, ending the sessions on the
     * databases it replaces, which keep their data as {@code <db>__resilient_old}.
     *
     * @param databases the standby databases, each with a restored work database beside it
     * @return the databases that existed and were renamed to their old names
     */
    public List<String> swap(List<String> databases) {
        Set<String> existing = existing();
        for (String db : databases) {
            if (existing.contains(WorkNames.old(db)) && existing.contains(db)) {
                // a replaced copy whose background drop failed: its name is needed now (one without its live
                // database beside it is a last good state, which repair renames back; it is never dropped here)
                log.info("dropping the replaced copy '{}' on {} before the swap", WorkNames.old(db), where());
                pg.execute(maintenanceDb, "DROP DATABASE IF EXISTS " + PgSession.ident(WorkNames.old(db)) + " WITH (FORCE)");
            }
        }
        List<String> live = databases.stream().filter(existing::contains).toList();
        StringBuilder sql = new StringBuilder("BEGIN;\n");
        if (!live.isEmpty()) {
            sql.append("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname IN (")
                    .append(live.stream().map(PgSession::literal).collect(Collectors.joining(", "))).append(");\n");
        }
        for (String db : live) {
            sql.append("ALTER DATABASE ").append(PgSession.ident(db)).append(" RENAME TO ")
                    .append(PgSession.ident(WorkNames.old(db))).append(";\n");
        }
        for (String db : databases) {
            sql.append("ALTER DATABASE ").append(PgSession.ident(WorkNames.tmp(db))).append(" RENAME TO ")
                    .append(PgSession.ident(db)).append(";\n");
        }
        sql.append("COMMIT;");
        // a client may connect between the terminate and the rename ("being accessed by other users"):
        // the whole transaction rolls back, so simply try again a few times
        ResilienceException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                pg.execute(maintenanceDb, sql.toString());
                log.info("swapped in {} on {}", databases, where());
                return live;
            } catch (ResilienceException e) {
                last = e;
                if (e.code() != ErrorCode.TOOL_FAILED || !e.getMessage().contains("being accessed by other users")) {
                    throw e;
                }
                log.warn("swap attempt {} on {}: databases still in use, retrying", attempt, where());
            }
        }
        throw last;
    }

    /**
     * Drops work databases, logging (not throwing) what cannot be dropped now; the next import's
     * {@link #repair(List)} drops them then.
     *
     * @param names the databases
     */
    public void dropQuietly(List<String> names) {
        for (String name : names) {
            try {
                pg.execute(maintenanceDb, "DROP DATABASE IF EXISTS " + PgSession.ident(name) + " WITH (FORCE)");
            } catch (ResilienceException e) {
                log.warn("could not drop work database '{}' on {} (the next import will): {}", name, where(),
                        e.getMessage());
            }
        }
    }

    private Set<String> existing() {
        return new LinkedHashSet<>(pg.query(maintenanceDb, "SELECT datname FROM pg_database"));
    }

    private String where() {
        return pg.settings().where();
    }
}
