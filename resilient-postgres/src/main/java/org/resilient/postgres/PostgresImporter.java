package org.resilient.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.ManifestEntry;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Importer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a postgres backup into a standby server without ever damaging the standby's last good state:
 * each database is restored ({@code pg_restore -j N}) into {@code <db>__resilient_tmp}, checked, fenced
 * against ordinary clients ({@link DatabaseFence}), and only when every database of the backup restored and checked are they all swapped in by
 * renames in one transaction (the previous ones kept as {@code <db>__resilient_old} until the swap
 * committed, then dropped in the background after the import returned: {@link ReplacedCopies}). Connections see
 * the old databases or the new ones, never a mix.
 *
 * <p>An import interrupted at any point is repaired by the next one: leftover {@code __resilient_tmp}
 * databases are dropped, a standby database missing beside its {@code __resilient_old} copy is renamed
 * back before anything else happens, and leftover {@code __resilient_old} copies are dropped in the background.
 */
final class PostgresImporter implements Importer {
    private static final Pattern TABLE_DATA_FILE = Pattern.compile("db-\\d+-[A-Za-z0-9_-]*/\\d+\\.dat");
    private static final Pattern TOC_TABLE = Pattern.compile("^\\d+; 1259 \\d+ (TABLE|MATERIALIZED VIEW) .*");
    private static final String RELATION_COUNT = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
            + "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', "
            + "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
            + "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
            + "AND d.objid = c.oid AND d.deptype = 'e')";

    private final PostgresSettings settings;
    private final PgTools tools;

    /**
     * An importer.
     *
     * @param settings where the standby server is
     * @param tools where the client tools are
     */
    public PostgresImporter(PostgresSettings settings, PgTools tools) {
        this.settings = settings;
        this.tools = tools;
    }

    /**
     * A table's data file ({@code db-NN-name/<dumpId>.dat}) may be read by {@code pg_restore} before the node
     * verified it: it is COPY data (the exporter never dumps with {@code --inserts}; {@code toc.dat}, verified
     * before, holds each table's COPY statement), loaded only into the {@code __resilient_tmp} database, and the
     * swap waits for its verification ({@link ImportContext#awaitVerified()}): a file that differs fails the
     * import and the standby keeps its state. {@code toc.dat}, the metadata, {@code globals.sql} and large objects
     * run as commands or set up the restore: they are verified before the import starts.
     */
    @Override
    public boolean mayReadBeforeVerified(String path) {
        return TABLE_DATA_FILE.matcher(path).matches();
    }

    @Override
    public void importBackup(ImportContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        Path dir = context.directory();
        context.cancellation().throwIfCancelled("import into " + settings.where());
        checkFilesAgainstManifest(context);
        DumpMetadata meta = DumpMetadata.read(dir);
        List<DumpMetadata.Database> databases = selected(meta);
        try (PgSession pg = new PgSession(settings, tools, context.cancellation(), context.loggerName())) {
            int sourceMajor = PgSession.majorOf(meta.serverVersionNum());
            int standbyMajor = pg.serverMajor();
            if (standbyMajor < sourceMajor) {
                throw new ResilienceException(ErrorCode.UNSUPPORTED, "the standby " + settings.where() + " runs "
                        + "PostgreSQL " + standbyMajor + ", older than the source (" + sourceMajor + "); upgrade it");
            }
            Path pgRestore = pg.tool("pg_restore");
            List<String> names = databases.stream().map(DumpMetadata.Database::name).toList();
            // leftover replaced copies are dropped while this import restores, not before
            ReplacedCopies.dropLater(settings, tools, context.loggerName(), new PgStandbySwap(pg, log).repair(names));
            if (meta.globals() && settings.globals()) {
                applyGlobals(pg, dir.resolve(DumpMetadata.GLOBALS_FILE));
            }
            List<String> restored = new ArrayList<>();
            List<String> replaced;
            try {
                int i = 0;
                for (DumpMetadata.Database db : databases) {
                    context.cancellation().throwIfCancelled("import into " + settings.where());
                    context.progress().progress("pg_restore", i++, databases.size(), "databases");
                    restored.add(WorkNames.tmp(db.name()));
                    restore(pg, pgRestore, dir, db, log);
                }
                context.cancellation().throwIfCancelled("import into " + settings.where());
                // the tables' data files were hashed while pg_restore read them: nothing is swapped in unverified
                long verifyStart = System.nanoTime();
                context.awaitVerified();
                log.info("waited {} ms for the verification of the tables' data files",
                        (System.nanoTime() - verifyStart) / 1_000_000);
                // the swap renames the live databases to their old names: earlier copies of those must be gone
                ReplacedCopies.awaitDropped(settings, names.stream().map(WorkNames::old).toList(), context.cancellation());
                // the swap is short and must not be killed between its COMMIT and psql's exit, which would
                // report a failure for a swap that happened
                long swapStart = System.nanoTime();
                replaced = new PgStandbySwap(pg.uncancellable(), log).swap(names);
                log.info("swap on {} took {} ms", settings.where(), (System.nanoTime() - swapStart) / 1_000_000);
                context.progress().progress("pg_restore", databases.size(), databases.size(), "databases");
            } catch (RuntimeException e) {
                new PgStandbySwap(pg.uncancellable(), log).dropQuietly(restored);
                throw e;
            }
            // the import is done: what it replaced is dropped after it returns, in the background (see ReplacedCopies)
            ReplacedCopies.dropLater(settings, tools, context.loggerName(), replaced.stream().map(WorkNames::old).toList());
        }
    }

    /** At the node's start: see {@link PgStartRecovery}. */
    @Override
    public org.resilient.api.StandbyRecovery recover(org.resilient.api.OperationContext context) {
        return PgStartRecovery.run(settings, tools, context);
    }

    @Override
    public void promote(RoleChangeContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        try (PgSession pg = new PgSession(settings, tools, context.cancellation(), context.loggerName())) {
            DatabaseFence fence = new DatabaseFence(pg, log);
            List<String> targets = settings.databases();
            if (targets.isEmpty()) {
                targets = fence.fencedDatabases().stream().filter(n -> !WorkNames.isWorkName(n)).toList();
            }
            for (String db : targets) {
                if (!exists(pg, db)) {
                    throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot promote database '" + db + "' on "
                            + settings.where() + ": it does not exist; has an import ever succeeded here?");
                }
                fence.lift(db);
                // existing sessions (administrators') keep the read-only default they started with: end them so
                // that clients reconnect to a writable database
                pg.execute(settings.maintenanceDatabase(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = " + PgSession.literal(db) + " AND pid <> pg_backend_pid()");
                log.info("promoted database '{}' on {} (epoch {}): it is writable now", db, settings.where(),
                        context.epoch());
            }
        }
    }

    /**
     * Fences the databases of {@code postgres.databases} (or, when unset, every database an export would take:
     * connectable, not a template, not the maintenance database) with a {@link DatabaseFence}: roles that are not
     * superusers can no longer connect, and their sessions are ended. A database fenced already stays as it is;
     * a listed database that does not exist is skipped (nobody can write to it).
     */
    @Override
    public void demote(RoleChangeContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        try (PgSession pg = new PgSession(settings, tools, context.cancellation(), context.loggerName())) {
            DatabaseFence fence = new DatabaseFence(pg, log);
            List<String> targets = settings.databases();
            if (targets.isEmpty()) {
                targets = pg.query(settings.maintenanceDatabase(), "SELECT datname FROM pg_database WHERE datallowconn "
                        + "AND NOT datistemplate AND datname <> " + PgSession.literal(settings.maintenanceDatabase())
                        + " ORDER BY 1").stream().filter(n -> !WorkNames.isWorkName(n)).toList();
            }
            for (String db : targets) {
                if (!exists(pg, db)) {
                    log.warn("not demoting database '{}' on {}: it does not exist", db, settings.where());
                    continue;
                }
                fence.fence(db, true);
                log.info("demoted database '{}' on {}: another node leads in epoch {}; only superusers can connect "
                        + "until it is promoted again", db, settings.where(), context.epoch());
            }
        }
    }

    private boolean exists(PgSession pg, String db) {
        return !"0".equals(pg.queryValue(settings.maintenanceDatabase(),
                "SELECT count(*) FROM pg_database WHERE datname = " + PgSession.literal(db)).trim());
    }

    /**
     * Checks that every file of the manifest is present with its size. The node verified the digests
     * already; this cheap second look guards pg_restore against a truncated file, which in an uncompressed
     * dump could otherwise restore fewer rows without an error.
     */
    private static void checkFilesAgainstManifest(ImportContext context) {
        Path dir = context.directory();
        for (ManifestEntry e : context.manifest().entries()) {
            if (e.type() != ManifestEntry.Type.FILE) {
                continue;
            }
            Path f = dir.resolve(e.path());
            long size;
            try {
                size = Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Files.size(f) : -1;
            } catch (IOException ex) {
                size = -1;
            }
            if (size != e.size()) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "backup " + context.backupId()
                        + ": file " + e.path() + (size < 0 ? " is missing" : " has " + size + " bytes")
                        + " but the manifest says " + e.size() + " bytes; it was damaged or truncated in transit. "
                        + "Nothing was imported; pull the backup again.");
            }
        }
    }

    private List<DumpMetadata.Database> selected(DumpMetadata meta) {
        if (settings.databases().isEmpty()) {
            return meta.databases();
        }
        List<String> missing = settings.databases().stream()
                .filter(n -> meta.databases().stream().noneMatch(d -> d.name().equals(n))).toList();
        if (!missing.isEmpty()) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "the backup holds no database " + missing
                    + " (it holds " + meta.databases().stream().map(DumpMetadata.Database::name).toList()
                    + "); fix postgres.databases of the import node");
        }
        return meta.databases().stream().filter(d -> settings.databases().contains(d.name())).toList();
    }

    private void applyGlobals(PgSession pg, Path globals) {
        if (!Files.isRegularFile(globals)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the backup says it holds "
                    + DumpMetadata.GLOBALS_FILE + " but " + globals + " is missing; pull the backup again");
        }
        Path filtered = null;
        try {
            filtered = Files.createTempFile("resilient-globals-", ".sql",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(filtered, GlobalsFilter.filter(Files.readString(globals), settings.user()));
            // without ON_ERROR_STOP: roles that already exist on the standby give errors that are expected;
            // they are logged, and the rest is applied
            pg.run("applying " + DumpMetadata.GLOBALS_FILE, List.of(pg.tool("psql").toString(), "-X", "-q",
                    PgSession.dbnameArg(settings.maintenanceDatabase()), "-f", filtered.toString()));
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot prepare " + globals + " for the standby: "
                    + e.getMessage());
        } finally {
            if (filtered != null) {
                try {
                    Files.deleteIfExists(filtered);
                } catch (IOException e) {
                    // a 0600 file in the temporary directory; nothing else to do
                }
            }
        }
    }

    private void restore(PgSession pg, Path pgRestore, Path dir, DumpMetadata.Database db, Logger log) {
        String tmp = WorkNames.tmp(db.name());
        Path dump = dir.resolve(db.directory());
        if (!Files.isRegularFile(dump.resolve("toc.dat"))) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the dump of database '" + db.name()
                    + "' has no " + dump.resolve("toc.dat") + "; the backup is incomplete, pull it again");
        }
        StringBuilder create = new StringBuilder("CREATE DATABASE " + PgSession.ident(tmp)
                + " TEMPLATE template0 ENCODING " + PgSession.literal(db.encoding()));
        if (!db.collate().isEmpty()) {
            create.append(" LC_COLLATE ").append(PgSession.literal(db.collate()));
        }
        if (!db.ctype().isEmpty()) {
            create.append(" LC_CTYPE ").append(PgSession.literal(db.ctype()));
        }
        pg.execute(settings.maintenanceDatabase(), create.toString());
        if (!settings.noOwner() && !db.owner().isEmpty() && !db.owner().equals(settings.user())) {
            pg.execute(settings.maintenanceDatabase(), "ALTER DATABASE " + PgSession.ident(tmp) + " OWNER TO "
                    + PgSession.ident(db.owner()));
        }
        log.info("restoring database '{}' into '{}' on {}", db.name(), tmp, settings.where());
        List<String> cmd = new ArrayList<>(List.of(pgRestore.toString(), "-j", Integer.toString(settings.jobs()),
                "--exit-on-error", PgSession.dbnameArg(tmp)));
        if (settings.noOwner()) {
            cmd.addAll(List.of("--no-owner", "--no-privileges"));
        }
        cmd.add(dump.toString());
        // the dump's rows are counted while pg_restore reads the same files (and the server, not this process,
        // is busy): the check after the restore then only asks the server
        FutureTask<Map<String, Long>> counting = new FutureTask<>(() -> RowCounts.count(dump));
        Thread counter = new Thread(counting, "postgres-count-rows-" + db.directory());
        counter.setDaemon(true);
        counter.start();
        try {
            long start = System.nanoTime();
            pg.run("pg_restore of database '" + db.name() + "' into '" + tmp + "'", cmd);
            long restored = System.nanoTime();
            check(pg, pgRestore, dump, db, tmp, rowsOf(counting));
            // where an import's time goes, beside the raw pg_restore's (issue 18)
            log.info("restored database '{}' on {}: pg_restore {} ms, checks (tables, rows) {} ms", db.name(),
                    settings.where(), (restored - start) / 1_000_000, (System.nanoTime() - restored) / 1_000_000);
        } finally {
            counting.cancel(true);
        }
        if (db.properties() != null) {
            // after pg_restore (a leader's statement_timeout or search_path must not apply to it) and before the
            // fence, which records the connection limit (and owner) that promotion gives back
            db.properties().apply(pg, tmp, !settings.noOwner(), log);
        }
        // fenced before it is swapped in: ordinary roles never see the standby writable (no session can be on it
        // yet, the work name is not one a client uses)
        new DatabaseFence(pg, log).fence(tmp, false);
    }

    /**
     * Checks that every table and materialized view of the dump exists in the restored database, and that every
     * table holds the rows of its dump ({@link RowCounts}).
     */
    private void check(PgSession pg, Path pgRestore, Path dump, DumpMetadata.Database db, String tmp,
                       Map<String, Long> rows) {
        String toc = pg.run("pg_restore -l of database '" + db.name() + "'",
                List.of(pgRestore.toString(), "-l", dump.toString())).stdout();
        long expected = toc.lines().filter(l -> TOC_TABLE.matcher(l).matches()).count();
        long actual = Long.parseLong(pg.queryValue(tmp, RELATION_COUNT).trim());
        if (actual != expected) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "restored database '" + tmp + "' on "
                    + settings.where() + " has " + actual + " tables and materialized views but the dump of '"
                    + db.name() + "' lists " + expected + "; the standby keeps its previous state");
        }
        RowCounts.check(pg, toc, dump, rows, db.name(), tmp);
    }

    /** The rows counted beside pg_restore, waited for; the counting's own failure as it was thrown. */
    private static Map<String, Long> rowsOf(FutureTask<Map<String, Long>> counting) {
        try {
            return counting.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while counting the dump's rows");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new ResilienceException(ErrorCode.INTERNAL, "counting the dump's rows failed: " + e.getCause(),
                    e.getCause());
        }
    }
}
