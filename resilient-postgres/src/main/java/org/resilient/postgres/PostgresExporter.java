package org.resilient.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;
import org.resilient.process.ToolOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps PostgreSQL databases into a backup's data directory: one {@code pg_dump} directory-format dump per
 * database ({@code -Fd -j N -Z 0}: parallel, consistent per database, uncompressed so the archive can
 * deduplicate and compress), {@code globals.sql} from {@code pg_dumpall --globals-only} when
 * {@code postgres.globals} is on, and {@value DumpMetadata#FILE_NAME} naming what was dumped.
 */
final class PostgresExporter implements Exporter {
    private final PostgresSettings settings;
    private final PgTools tools;

    /**
     * An exporter.
     *
     * @param settings where the live server is
     * @param tools where the client tools are
     */
    public PostgresExporter(PostgresSettings settings, PgTools tools) {
        this.settings = settings;
        this.tools = tools;
    }

    /**
     * {@code pg_dump -Fd} writes each table's file from its start to its end and {@code toc.dat} once at the end;
     * {@code pg_dumpall}'s file and the metadata are written once: every file is only appended to, so the node hashes
     * them as they grow and the seal does not read the biggest table's file again (issue 18).
     */
    @Override
    public boolean appendsOnly() {
        return true;
    }

    @Override
    public void export(ExportContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        Path dir = context.directory();
        context.cancellation().throwIfCancelled("export of " + settings.where());
        try (PgSession pg = new PgSession(settings, tools, context.cancellation(), context.loggerName())) {
            int versionNum = pg.serverVersionNum();
            // find and check every tool before writing anything
            Path pgDump = pg.tool("pg_dump");
            Path pgDumpall = settings.globals() ? pg.tool("pg_dumpall") : null;
            List<DumpMetadata.Database> databases = databases(pg);
            int i = 0;
            for (DumpMetadata.Database db : databases) {
                context.cancellation().throwIfCancelled("export of " + settings.where());
                context.progress().progress("pg_dump", i, databases.size(), "databases");
                log.info("dumping database '{}' from {} into {}", db.name(), settings.where(), db.directory());
                pg.run("pg_dump of database '" + db.name() + "'", List.of(pgDump.toString(), "-Fd",
                        "-j", Integer.toString(settings.jobs()), "-Z", "0",
                        "-f", dir.resolve(db.directory()).toString(), PgSession.dbnameArg(db.name())));
                i++;
            }
            context.progress().progress("pg_dump", i, databases.size(), "databases");
            if (pgDumpall != null) {
                context.cancellation().throwIfCancelled("export of " + settings.where());
                pg.run("pg_dumpall --globals-only", List.of(pgDumpall.toString(), "--globals-only",
                        "-f", dir.resolve(DumpMetadata.GLOBALS_FILE).toString(),
                        PgSession.dbnameArg(settings.maintenanceDatabase())));
            }
            new DumpMetadata(versionNum, databases, pgDumpall != null).write(dir);
            ToolOutput.makePrivate(dir);
        }
    }

    /** The databases to dump, checked to exist, with their encoding and locale. */
    private List<DumpMetadata.Database> databases(PgSession pg) {
        List<String[]> rows = new ArrayList<>();
        // The owner of a fenced database (a standby, a demoted leader) is the one its fence recorded, not the
        // superuser the fence handed it to: an import restores that owner when it is promoted.
        String owner = "COALESCE((SELECT substr(c, strpos(c, ';owner=') + 7) FROM pg_db_role_setting s, "
                + "unnest(s.setconfig) c WHERE s.setdatabase = d.oid AND s.setrole = 0 AND c LIKE "
                + PgSession.literal(DatabaseFence.MARKER + "=%") + " LIMIT 1), pg_get_userbyid(d.datdba))";
        for (String row : pg.query(settings.maintenanceDatabase(), "SELECT d.datname, pg_encoding_to_char(d.encoding), "
                + "d.datcollate, d.datctype, " + owner + " FROM pg_database d WHERE d.datallowconn AND NOT d.datistemplate "
                + "ORDER BY d.datname")) {
            rows.add(row.split("\u001f", -1));
        }
        List<String> names;
        if (settings.databases().isEmpty()) {
            names = rows.stream().map(r -> r[0])
                    .filter(n -> !n.equals(settings.maintenanceDatabase()) && !WorkNames.isWorkName(n))
                    .toList();
            if (names.isEmpty()) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "no user database to export on " + settings.where()
                        + " (only " + settings.maintenanceDatabase() + " and templates exist); create one or "
                        + "name the databases in postgres.databases");
            }
        } else {
            names = settings.databases();
            List<String> missing = names.stream().filter(n -> rows.stream().noneMatch(r -> r[0].equals(n))).toList();
            if (!missing.isEmpty()) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "database(s) " + missing + " do not exist on "
                        + settings.where() + " (or do not allow connections); existing: "
                        + rows.stream().map(r -> r[0]).collect(Collectors.toList())
                        + ". Fix postgres.databases.");
            }
        }
        List<DumpMetadata.Database> result = new ArrayList<>();
        for (String name : names) {
            String[] r = rows.stream().filter(x -> x[0].equals(name)).findFirst().orElseThrow();
            result.add(new DumpMetadata.Database(name, DumpMetadata.directoryFor(result.size(), name), r[1], r[2], r[3], r[4],
                    DatabaseProperties.read(pg, name)));
        }
        return result;
    }
}
