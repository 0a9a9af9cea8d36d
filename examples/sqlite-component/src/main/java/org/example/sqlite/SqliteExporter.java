package org.example.sqlite;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;

/**
 * Exports the live database with {@code VACUUM INTO}: SQLite writes a consistent snapshot (one read transaction,
 * so the database's own clients keep reading and writing meanwhile, WAL or not) into a new, compacted file. The
 * copy is made by SQLite's native code page by page, never held in the Java heap.
 */
final class SqliteExporter implements Exporter {
    private final SqliteSettings settings;

    SqliteExporter(SqliteSettings settings) {
        this.settings = settings;
    }

    @Override
    public void export(ExportContext context) {
        Path database = settings.database();
        String what = "export of SQLite database " + database;
        context.cancellation().throwIfCancelled(what);
        if (!Files.isRegularFile(database)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, what + ": no such file; check sqlite.database on the"
                    + " export node");
        }
        Path out = context.directory().resolve(Sqlite.DUMP_FILE);
        System.Logger log = System.getLogger(context.loggerName());
        context.progress().progress("vacuum into", 0, 1, "databases");
        // Read-only: the export never writes the live copy, and VACUUM INTO works on a read-only (demoted) one too.
        try (Connection c = Sqlite.open(database, settings.busyTimeout(), true);
             Statement s = c.createStatement();
             Sqlite.Interrupter watch = new Sqlite.Interrupter(context.cancellation(), s)) {
            s.executeUpdate("VACUUM INTO " + Sqlite.literal(out));
        } catch (SQLException e) {
            throw Sqlite.failure(e, context.cancellation(), ErrorCode.IO_ERROR, what + " failed (is the file a SQLite"
                    + " database, and is there room in " + context.directory() + "?)");
        }
        context.cancellation().throwIfCancelled(what);
        context.progress().progress("vacuum into", 1, 1, "databases");
        log.log(Level.DEBUG, () -> what + ": wrote " + out);
    }
}
