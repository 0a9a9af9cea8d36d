package org.resilient.mysql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.OperationContext;
import org.resilient.api.StandbyRecovery;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Importer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a mydumper backup into a standby server without ever leaving it half-restored:
 * <ol>
 *   <li>{@code SET GLOBAL read_only=1}: applications cannot write to the standby until it is promoted;</li>
 *   <li>{@code myloader} loads each database's tables into a temporary database {@code <db>__rtmp};</li>
 *   <li>the loaded tables are checked against the backup's table list;</li>
 *   <li>the plain secondary keys of big InnoDB tables, left out of their {@code CREATE TABLE} for a faster
 *       load, are built (see {@link DeferredKeys}), while the other tables load (see {@link KeyBuilder});</li>
 *   <li>database by database, one atomic {@code RENAME TABLE} moves its current tables aside into
 *       {@code <db>__rold} and the loaded ones in, and the backup's views, triggers, routines and events replace
 *       the standby's (views with {@code CREATE OR REPLACE}, never missing), each under the {@code sql_mode} and
 *       character sets it was created with, events {@code DISABLE ON SLAVE} so they do not run on a standby (see
 *       {@link StandbySwap});</li>
 *   <li>the replaced tables are dropped in the background after the import returns ({@link ReplacedCopies}).</li>
 * </ol>
 * A failure or cancellation at any step leaves the standby exactly as it was: after the swap, a failed
 * object undoes it (tables renamed back, the standby's own objects recreated).
 *
 * <p>The import account writes while {@code read_only} is on, so it needs SUPER (MySQL) or READ_ONLY ADMIN
 * (MariaDB 10.11), plus CREATE, DROP, ALTER, INDEX, INSERT, CREATE VIEW, TRIGGER, EVENT, CREATE ROUTINE,
 * ALTER ROUTINE on the databases and their temporary twins. {@code SET GLOBAL} does not survive a server
 * restart: also put {@code read_only=1} in the standby's configuration.
 */
final class MysqlImporter implements Importer {
    private static final int LOAD_ATTEMPTS = 3;
    /**
     * Tables with less data than this are loaded with all their keys: the separate key build then costs
     * more (one more statement and scan) than it saves.
     */
    static final long DEFER_KEYS_MIN_BYTES = 32L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(MysqlImporter.class);

    private final MysqlSettings settings;
    private final long deferKeysMinBytes;
    private final java.util.function.Consumer<String> crashPoints;

    /**
     * An importer for the standby the settings describe.
     *
     * @param settings the component's settings
     */
    public MysqlImporter(MysqlSettings settings) {
        this(settings, DEFER_KEYS_MIN_BYTES);
    }

    /**
     * An importer that builds the plain secondary keys of InnoDB tables with at least this much data after
     * loading them (see {@link DeferredKeys}); tests lower the threshold to exercise it on small tables.
     *
     * @param settings the component's settings
     * @param deferKeysMinBytes the threshold in bytes of dump data; {@link Long#MAX_VALUE} never defers
     */
    MysqlImporter(MysqlSettings settings, long deferKeysMinBytes) {
        this(settings, deferKeysMinBytes, point -> { });
    }

    /**
     * An importer whose swap tells each point it reaches (see {@link StandbySwap}); tests simulate crashes there.
     *
     * @param settings the component's settings
     * @param deferKeysMinBytes see {@link #MysqlImporter(MysqlSettings, long)}
     * @param crashPoints told the name of each point
     */
    MysqlImporter(MysqlSettings settings, long deferKeysMinBytes, java.util.function.Consumer<String> crashPoints) {
        this.settings = settings;
        this.deferKeysMinBytes = deferKeysMinBytes;
        this.crashPoints = crashPoints;
    }

    @Override
    public void importBackup(ImportContext context) {
        DumpLayout layout = DumpLayout.read(context.directory());
        List<DumpLayout.Database> dbs = selectDatabases(layout);
        Path myloader = MysqlTools.require("myloader", settings);
        for (DumpLayout.Database db : dbs) {
            checkComplete(db);
        }
        context.cancellation().throwIfCancelled("mysql import");
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            c.execute("SET GLOBAL read_only=1");
            SwapJournal.recover(c, LOG, replaced -> ReplacedCopies.dropLater(settings, replaced));
            Path links = Files.createTempDirectory("resilient-myloader-");
            KeyBuilder keys = new KeyBuilder(settings, context);
            try {
                for (DumpLayout.Database db : dbs) {
                    // a leftover <db>__rold is dropped in the background or by the swap (see ReplacedCopies)
                    c.execute("DROP DATABASE IF EXISTS " + DatabaseNames.q(DatabaseNames.loading(db.name)));
                }
                long started = System.nanoTime();
                int done = 0;
                for (DumpLayout.Database db : dbs) {
                    context.progress().progress("myloader", done++, dbs.size(), "databases");
                    load(c, myloader, layout, db, links.resolve(db.name), context, keys);
                    context.cancellation().throwIfCancelled("mysql import");
                }
                context.progress().progress("check", 0, dbs.size(), "databases");
                for (DumpLayout.Database db : dbs) {
                    checkLoaded(c, db);
                }
                long loaded = System.nanoTime();
                keys.awaitAll();
                context.cancellation().throwIfCancelled("mysql import");
                long keyed = System.nanoTime();
                List<String> replaced = dbs.stream().map(d -> DatabaseNames.replaced(d.name)).toList();
                ReplacedCopies.awaitDropped(settings, context.cancellation());
                long cleaned = System.nanoTime();
                context.progress().progress("swap", 0, 1, "swaps");
                new StandbySwap(c, dbs, layout.directory, crashPoints).run();
                for (DumpLayout.Database db : dbs) {
                    c.execute("DROP DATABASE IF EXISTS " + DatabaseNames.q(DatabaseNames.loading(db.name))); // empty
                }
                // the import is done: the tables it replaced are dropped after it returns
                ReplacedCopies.dropLater(settings, replaced);
                crashPoints.accept("swapped");
                context.progress().progress("swap", 1, 1, "swaps");
                LOG.info("imported {} into databases {} on {} (load and check {} s, then waited {} s for the deferred"
                        + " keys of {} table(s), {} s for the drop of an earlier import's replaced tables, swap {} s)",
                        context.backupId(), dbs.stream().map(d -> d.name).toList(), settings.where(),
                        seconds(loaded - started), seconds(keyed - loaded), keys.count(), seconds(cleaned - keyed),
                        seconds(System.nanoTime() - cleaned));
            } catch (RuntimeException | IOException e) {
                keys.abort(c);
                dropLoading(c, dbs);
                throw e;
            } finally {
                keys.close();
                deleteTree(links);
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "mysql import of " + context.directory() + " failed: "
                    + e.getMessage() + "; the standby keeps its previous data");
        }
    }

    @Override
    public void promote(RoleChangeContext context) {
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            // an interrupted swap is undone first: a standby promoted without its objects would behave differently
            SwapJournal.recover(c, LOG);
            new ServerFence(c, LOG).lift(new TreeSet<>(settings.databases()));
            LOG.info("promoted {} in epoch {}: read_only off, events enabled", settings.where(), context.epoch());
        }
    }

    /**
     * At the node's start: removes the secret files of killed processes, repairs an interrupted swap from its journal
     * ({@link SwapJournal#recover}) and drops the temporary database of a load that was cut off.
     */
    @Override
    public StandbyRecovery recover(OperationContext context) {
        org.resilient.process.SecretFile.removeOrphansAtStart();
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            StandbyRecovery found = SwapJournal.recover(c, LOG);
            for (String tmp : c.column("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE "
                    + MysqlConnection.literal("%" + DatabaseNames.LOADING.replace("_", "\\_")))) {
                String db = tmp.substring(0, tmp.length() - DatabaseNames.LOADING.length());
                if (settings.databases().isEmpty() || settings.databases().contains(db)) {
                    // no journal is left (recovered above): only a load cut off before its swap leaves this
                    c.execute("DROP DATABASE IF EXISTS " + DatabaseNames.q(tmp));
                    LOG.warn("an import into {} on {} was interrupted while loading; its temporary database {} was"
                            + " dropped, the database is as it was", db, settings.where(), tmp);
                    found = found == StandbyRecovery.NOTHING_FOUND ? StandbyRecovery.ROLLED_BACK : found;
                }
            }
            return found;
        }
    }

    /**
     * Fences the server with a {@link ServerFence}: {@code read_only=ON}, client sessions ended, the databases'
     * events disabled. Idempotent; the data stays; {@link #promote} lifts it.
     */
    @Override
    public void demote(RoleChangeContext context) {
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            new ServerFence(c, LOG).fence(new TreeSet<>(settings.databases()));
            LOG.info("demoted {}: another node leads in epoch {}; ordinary accounts cannot write until it is "
                    + "promoted again", settings.where(), context.epoch());
        }
    }

    private List<DumpLayout.Database> selectDatabases(DumpLayout layout) {
        if (settings.databases().isEmpty()) {
            return new ArrayList<>(layout.databases.values());
        }
        List<DumpLayout.Database> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : settings.databases()) {
            layout.database(name).ifPresentOrElse(out::add, () -> missing.add(name));
        }
        if (!missing.isEmpty()) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "the backup in " + layout.directory
                    + " holds no database " + missing + " (it holds " + layout.databases.keySet()
                    + "); fix mysql.databases on the import node");
        }
        return out;
    }

    /**
     * Loads one database's tables into its temporary twin, through directories of links to its files only
     * (and rewritten schema files for the tables whose keys are built afterwards). The tables with deferred
     * keys are loaded first; their key builds then run on the key builder's thread while myloader loads the
     * other tables.
     */
    private void load(MysqlConnection c, Path myloader, DumpLayout layout, DumpLayout.Database db, Path linkDir,
                      ImportContext context, KeyBuilder keys) throws IOException {
        String tmp = DatabaseNames.loading(db.name);
        c.execute("CREATE DATABASE " + DatabaseNames.q(tmp) + db.charsetClause());
        Map<Path, String> rewritten = new HashMap<>();
        Map<String, String> alters = deferKeys(layout, db, rewritten);
        Set<String> others = new TreeSet<>(db.tables());
        others.removeAll(alters.keySet());
        if (!alters.isEmpty()) {
            runMyloader(c, myloader, layout, db, alters.keySet(), rewritten, linkDir.resolve("deferred-keys"), context);
            alters.values().forEach(keys::submit);
        }
        if (!others.isEmpty()) {
            runMyloader(c, myloader, layout, db, others, rewritten, linkDir.resolve("tables"), context);
        }
    }

    /** Runs myloader over some tables of a database, through a directory of links to their files. */
    private void runMyloader(MysqlConnection c, Path myloader, DumpLayout layout, DumpLayout.Database db,
                             Set<String> tables, Map<Path, String> rewritten, Path linkDir, ImportContext context)
            throws IOException {
        String tmp = DatabaseNames.loading(db.name);
        // myloader 0.10 would also run the view, trigger and routine files (and split routines wrongly);
        // it only sees the base tables here, the rest is recreated after the swap.
        Files.createDirectories(linkDir);
        Files.createSymbolicLink(linkDir.resolve("metadata"), layout.metadata);
        for (Path f : db.tableFiles(tables)) {
            String schema = rewritten.get(f);
            if (schema != null) {
                Files.writeString(linkDir.resolve(f.getFileName()), schema, StandardCharsets.UTF_8);
            } else {
                Files.createSymbolicLink(linkDir.resolve(f.getFileName()), f);
            }
        }
        for (int attempt = 1; ; attempt++) {
            try (DefaultsFile defaults = DefaultsFile.create(settings)) {
                List<String> cmd = MysqlTools.connectionArgs(myloader, defaults, settings);
                cmd.addAll(List.of("--directory=" + linkDir, "--source-db=" + db.name, "--database=" + tmp,
                        "--threads=" + settings.threads(), "--verbose=2"));
                MysqlTools.run(cmd, settings, context.cancellation(), context.loggerName());
                return;
            } catch (ResilienceException e) {
                // myloader's threads insert into the same table and InnoDB can pick one of them as a deadlock
                // victim; myloader 0.10 does not retry the statement. Loading these tables again is safe: they
                // are in a temporary database, invisible until the swap.
                if (attempt >= LOAD_ATTEMPTS || !isDeadlock(e)) {
                    throw e;
                }
                LOG.warn("myloader hit a lock deadlock loading {} (attempt {} of {}); loading it again", db.name,
                        attempt, LOAD_ATTEMPTS);
                for (String t : tables) {
                    c.execute("DROP TABLE IF EXISTS " + DatabaseNames.q(tmp) + "." + DatabaseNames.q(t));
                }
            }
        }
    }

    /**
     * Picks the big tables whose plain secondary keys are built after the load, puts their rewritten schema
     * into {@code rewritten} and returns, by table, the statements that add the keys to the loaded tables.
     */
    private Map<String, String> deferKeys(DumpLayout layout, DumpLayout.Database db, Map<Path, String> rewritten)
            throws IOException {
        Map<String, String> builds = new java.util.TreeMap<>();
        if (deferKeysMinBytes == Long.MAX_VALUE) {
            return builds;
        }
        Set<String> referenced = DeferredKeys.referencedTables(layout.tableSchemaTexts());
        for (String table : db.tables()) {
            long bytes = 0;
            for (Path f : db.tableData.getOrDefault(table, List.of())) {
                bytes += Files.size(f);
            }
            if (bytes < deferKeysMinBytes) {
                continue;
            }
            Path schemaFile = db.tableSchemas.get(table);
            var split = DeferredKeys.split(Files.readString(schemaFile, StandardCharsets.UTF_8), table, referenced);
            if (split.isPresent()) {
                rewritten.put(schemaFile, split.get().schema());
                builds.put(table, split.get().alter(DatabaseNames.q(DatabaseNames.loading(db.name)) + "."
                        + DatabaseNames.q(table)));
            }
        }
        return builds;
    }

    static boolean isDeadlock(ResilienceException e) {
        return e.code() == ErrorCode.TOOL_FAILED && e.getMessage() != null
                && e.getMessage().contains("Deadlock found when trying to get lock");
    }

    /**
     * myloader 0.10 silently skips a last statement cut off in the middle and exits 0, so a truncated file
     * would load fewer rows without an error. The manifest check before the import catches that; this is a
     * second line of defence: every file mydumper writes ends with a complete statement ({@code ";\n"}).
     */
    private void checkComplete(DumpLayout.Database db) {
        List<Path> files = new ArrayList<>(db.tableFiles());
        files.addAll(db.views.values());
        files.addAll(db.triggers.values());
        if (db.post != null) {
            files.add(db.post);
        }
        for (Path f : files) {
            try (var ch = java.nio.channels.FileChannel.open(f)) {
                long size = ch.size();
                java.nio.ByteBuffer end = java.nio.ByteBuffer.allocate(2);
                if (size >= 2) {
                    ch.read(end, size - 2);
                }
                if (size < 2 || end.get(0) != ';' || end.get(1) != '\n') {
                    throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "backup file " + f
                            + " does not end with a complete SQL statement: it was truncated; the standby keeps its"
                            + " previous data. Export again or fetch an intact copy");
                }
            } catch (IOException e) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read backup file " + f + ": " + e.getMessage());
            }
        }
    }

    /** myloader 0.10 can exit 0 after a failed table; the table list of the backup is the check. */
    private void checkLoaded(MysqlConnection c, DumpLayout.Database db) {
        Set<String> loaded = new TreeSet<>(c.column("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                + MysqlConnection.literal(DatabaseNames.loading(db.name)) + " AND TABLE_TYPE = 'BASE TABLE'"));
        if (!loaded.equals(db.tables())) {
            Set<String> missing = new TreeSet<>(db.tables());
            missing.removeAll(loaded);
            throw new ResilienceException(ErrorCode.TOOL_FAILED, "myloader did not create table(s) " + missing
                    + " of database " + db.name + " on " + settings.where()
                    + "; see its log above. The standby keeps its previous data");
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private void dropLoading(MysqlConnection c, List<DumpLayout.Database> dbs) {
        for (DumpLayout.Database db : dbs) {
            try {
                if (!c.column("SELECT 1 FROM information_schema.TABLES WHERE TABLE_NAME = "
                        + MysqlConnection.literal(SwapJournal.TABLE) + " AND TABLE_SCHEMA = "
                        + MysqlConnection.literal(DatabaseNames.loading(db.name))).isEmpty()) {
                    continue; // a swap that could not be undone: the journal is what puts it back (next import)
                }
                c.execute("DROP DATABASE IF EXISTS " + DatabaseNames.q(DatabaseNames.loading(db.name)));
            } catch (ResilienceException e) {
                LOG.warn("could not drop the temporary database {}: {}", DatabaseNames.loading(db.name), e.getMessage());
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
