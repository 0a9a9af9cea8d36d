package org.resilient.postgres;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.resilient.api.Cancellation;
import org.resilient.api.OperationContext;
import org.resilient.api.StandbyRecovery;
import org.resilient.process.SecretFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the PostgreSQL importer does at a node's start ({@link PostgresImporter#recover}): removes the secret files
 * (pgpass) of killed processes, and the work databases an interrupted import left. The swap is one transaction, so
 * a standby database is never found half swapped: a {@code <db>__resilient_tmp} left means the import was cut off
 * before its swap committed (rolled back: dropped); a {@code <db>__resilient_old} beside its live database may be
 * the copy a committed swap replaced or one an earlier import left to its background drop, so it tells nothing
 * about which backup the standby holds (dropped, {@code NOTHING_FOUND} unless a work database was found).
 */
final class PgStartRecovery {
    private PgStartRecovery() {
    }

    /**
     * Repairs the standby's databases.
     *
     * @param settings the standby's settings
     * @param tools the client tools
     * @param context the node's start
     * @return {@code ROLLED_BACK} if an import was found cut off before its swap, else {@code NOTHING_FOUND}
     */
    static StandbyRecovery run(PostgresSettings settings, PgTools tools, OperationContext context) {
        SecretFile.removeOrphansAtStart();
        Logger log = LoggerFactory.getLogger(context.loggerName());
        try (PgSession pg = new PgSession(settings, tools, Cancellation.never(), context.loggerName())) {
            Set<String> existing = new LinkedHashSet<>(pg.query(settings.maintenanceDatabase(), "SELECT datname FROM pg_database"));
            List<String> dbs = settings.databases().isEmpty() ? leftBehind(existing) : settings.databases();
            boolean cut = false;
            for (String db : dbs) {
                cut |= existing.contains(WorkNames.tmp(db)) || existing.contains(WorkNames.old(db)) && !existing.contains(db);
            }
            PgStandbySwap swap = new PgStandbySwap(pg, log);
            // nothing else runs on the node yet: the replaced copies are dropped now, not in the background
            swap.dropQuietly(swap.repair(dbs));
            if (cut) {
                log.warn("an import into {} on {} was cut off before its swap: its work databases were dropped, the"
                        + " standby is as it was before it", dbs, settings.where());
            }
            return cut ? StandbyRecovery.ROLLED_BACK : StandbyRecovery.NOTHING_FOUND;
        }
    }

    /** Without {@code postgres.databases}, the databases whose work copies are on the server. */
    private static List<String> leftBehind(Set<String> existing) {
        List<String> out = new ArrayList<>();
        for (String name : existing) {
            for (String suffix : List.of(WorkNames.TMP, WorkNames.OLD)) {
                if (name.endsWith(suffix) && name.length() > suffix.length()) {
                    String db = name.substring(0, name.length() - suffix.length());
                    if (!out.contains(db)) {
                        out.add(db);
                    }
                }
            }
        }
        return out;
    }
}
