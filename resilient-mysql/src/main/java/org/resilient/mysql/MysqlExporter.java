package org.resilient.mysql;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;
import org.resilient.process.ToolOutput;
import org.resilient.process.ProcessRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps the configured databases with {@code mydumper} into the export directory: one consistent snapshot of
 * all of them ({@code --trx-consistency-only}, plus a global read lock of our own for the whole dump when
 * non-InnoDB tables are dumped), with triggers, routines,
 * events and views, and without compression so the archive can deduplicate and compress.
 *
 * <p>The account needs SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES and RELOAD (for the global read lock)
 * on the databases, and for routines SELECT on {@code mysql.proc}.
 */
final class MysqlExporter implements Exporter {
    /** How many times a dump is tried when mydumper hangs on itself (see {@link DumpWatchdog}). */
    private static final int SELF_HANG_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MysqlExporter.class);

    private final MysqlSettings settings;

    /**
     * An exporter for the server the settings describe.
     *
     * @param settings the component's settings
     */
    public MysqlExporter(MysqlSettings settings) {
        this.settings = settings;
    }

    @Override
    public void export(ExportContext context) {
        Path mydumper = MysqlTools.require("mydumper", settings);
        Path out = context.directory();
        context.cancellation().throwIfCancelled("mysql export");
        long started = System.nanoTime();
        List<String> databases = databases();
        context.progress().progress("check", 0, databases.size(), "databases");
        boolean allInnoDb = onlyTransactionalTables(databases);
        boolean lockWholeDump = !allInnoDb && !settings.trxConsistencyOnly().orElse(false);
        long checked = System.nanoTime();
        for (int attempt = 1; !dumpOnce(mydumper, out, databases, lockWholeDump, context, attempt == SELF_HANG_ATTEMPTS);
                attempt++) {
            // mydumper 0.10 sometimes hangs right after starting its snapshot, every session idle (its cause is in
            // mydumper, not found); the watchdog stops it, and a fresh run almost always goes through.
            LOG.warn("mydumper waited on itself and was stopped; dumping again ({} of {})", attempt + 1, SELF_HANG_ATTEMPTS);
            ToolOutput.clear(out);
        }
        context.cancellation().throwIfCancelled("mysql export");
        long dumped = System.nanoTime();
        try {
            DumpLayout.describe(out, databases, version(mydumper));
            try (MysqlConnection c = MysqlConnection.open(settings)) {
                ObjectModes.record(c, out, databases);
            }
            ToolOutput.makePrivate(out);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write " + DumpLayout.DESCRIPTION + " into " + out
                    + ": " + e.getMessage());
        }
        checkDump(out);
        context.progress().progress("mydumper", 1, 1, "dumps");
        // where an export's time goes beyond mydumper's own (issue 18: many tables)
        LOG.info("exported databases {} from {}: checks {} ms, mydumper {} ms, description, modes and checks after it {} ms",
                databases, settings.where(), (checked - started) / 1_000_000, (dumped - checked) / 1_000_000,
                (System.nanoTime() - dumped) / 1_000_000);
    }

    /**
     * Runs mydumper once into {@code out}.
     *
     * @return false if mydumper waited on itself and was stopped (and this is not the last attempt)
     */
    private boolean dumpOnce(Path mydumper, Path out, List<String> databases, boolean lockWholeDump, ExportContext context,
            boolean lastAttempt) {
        try (DefaultsFile defaults = DefaultsFile.create(settings);
             DumpWatchdog watchdog = DumpWatchdog.start(settings, settings.stallTimeout(), context.cancellation(), out)) {
            try (MysqlConnection lock = lockWholeDump ? holdGlobalReadLock() : null) {
                if (lock != null) {
                    watchdog.ignore(lock);
                }
                List<String> cmd = MysqlTools.connectionArgs(mydumper, defaults, settings);
                cmd.addAll(List.of("--outputdir=" + out, "--threads=" + settings.threads(), selection(databases),
                        "--triggers", "--events", "--routines", "--verbose=2", "--trx-consistency-only"));
                if (settings.rowsPerFile() > 0) {
                    cmd.add("--rows=" + settings.rowsPerFile());
                }
                context.progress().progress("mydumper", 0, -1, "files");
                LOG.info("exporting databases {} from {}{}", databases, settings.where(),
                        lockWholeDump ? " (global read lock held for the whole dump: non-InnoDB tables)" : "");
                MysqlTools.run(cmd, settings, watchdog.cancellation(), context.loggerName());
                if (lock != null) {
                    lock.execute("UNLOCK TABLES");
                }
            } catch (ResilienceException e) {
                if (watchdog.waitedOnItself() && !lastAttempt) {
                    return false;
                }
                throw watchdog.explain(e);
            }
        }
        return true;
    }


    /**
     * Fails with NOT_FOUND before dumping if a database is missing (mydumper's regex would skip it silently),
     * and tells whether every table is InnoDB (then {@code --trx-consistency-only} is fully consistent).
     */
    private boolean onlyTransactionalTables(List<String> databases) {
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            List<String> existing = c.column("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA");
            List<String> missing = new ArrayList<>();
            for (String db : databases) {
                if (!existing.contains(db)) {
                    missing.add(db);
                }
            }
            if (!missing.isEmpty()) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "database(s) " + missing + " do not exist on "
                        + settings.where() + " (or the account cannot see them); check mysql.databases");
            }
            String in = databases.stream().map(MysqlConnection::literal).collect(Collectors.joining(","));
            List<String> others = c.column("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' (', ENGINE, ')') FROM"
                    + " information_schema.TABLES WHERE TABLE_SCHEMA IN (" + in + ") AND TABLE_TYPE = 'BASE TABLE'"
                    + " AND ENGINE <> 'InnoDB' LIMIT 5");
            if (!others.isEmpty()) {
                LOG.info("non-InnoDB tables such as {}: writes wait for the whole dump (global read lock)", others);
            }
            return others.isEmpty();
        }
    }

    /**
     * The databases to dump: {@code mysql.databases}, or when it is empty (a promoted standby, whose import took
     * every database of the backups it received) every database of the server but the system ones and the
     * component's temporary ones, that is what the standby imported.
     */
    private List<String> databases() {
        if (!settings.databases().isEmpty()) {
            return settings.databases();
        }
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            List<String> all = c.column("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
                    .stream().filter(db -> DatabaseNames.problem(db) == null).toList();
            if (all.isEmpty()) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "mysql.databases is empty and " + settings.where()
                        + " holds no database to export; name the databases to back up in mysql.databases");
            }
            LOG.info("mysql.databases is not set: exporting every database of {}: {}", settings.where(), all);
            return all;
        }
    }

    /**
     * Non-InnoDB tables (MyISAM, Aria) are consistent only if nobody writes while they are dumped.
     * mydumper 0.10's own mode for that (its global read lock, released once the non-InnoDB tables are
     * done) can hang forever: a race between its main thread and the worker finishing the last non-InnoDB
     * table leaves the main thread waiting for a signal that was never sent (seen in our tests; mydumper
     * issue #539 and relatives). So mydumper always runs with {@code --trx-consistency-only}, and when
     * non-InnoDB tables are dumped this connection holds a global read lock of its own for the whole dump
     * (writes wait that long; reads do not). If the JVM dies, the server drops the lock with the connection.
     */
    private MysqlConnection holdGlobalReadLock() {
        MysqlConnection c = MysqlConnection.open(settings);
        try {
            c.execute("FLUSH TABLES WITH READ LOCK");
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** mydumper writes a schema-create file for every dumped database, even an empty one. */
    private void checkDump(Path out) {
        DumpLayout layout = DumpLayout.read(out);
        for (DumpLayout.Database db : layout.databases.values()) {
            if (db.schemaCreate == null) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "mydumper dumped nothing of database " + db.name
                        + " into " + out + ": it disappeared during the dump or the account cannot see it");
            }
        }
    }

    /**
     * One database is named with {@code --database}, several with a regex. Why not always the regex: without
     * {@code --database}, mydumper 0.10 lists every database of the server and queues one scan job for each, and a
     * counter of pending scans tells its main thread when all are done (it signals at zero); a worker that finishes the
     * first scan before the main thread queued the next one takes the counter to zero early, and the main thread then
     * walks its table lists while workers still add to them (GLists without a lock). That race is the suspected cause
     * of the rare stall of issue 16.10 (not reproduced); with {@code --database} there is exactly one scan job.
     */
    static String selection(List<String> databases) {
        return databases.size() == 1 ? "--database=" + databases.get(0) : "--regex=" + regex(databases);
    }

    /** mydumper 0.10 takes one -B database; a regex selects several in one consistent run. */
    static String regex(List<String> databases) {
        // Names are restricted to [A-Za-z0-9_$] (see DatabaseNames); '$' is the only regex character to escape.
        return "^(" + databases.stream().map(d -> d.replace("$", "\\$")).collect(Collectors.joining("|")) + ")\\.";
    }

    private static String version(Path tool) {
        try {
            return ProcessRunner.command(tool.toString(), "--version").timeout(java.time.Duration.ofSeconds(30))
                    .allowFailure().run().stdout().trim();
        } catch (ResilienceException e) {
            return "unknown";
        }
    }
}
