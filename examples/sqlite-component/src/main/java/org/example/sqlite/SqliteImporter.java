package org.example.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.spi.Importer;

/**
 * Imports by restoring beside the standby and swapping: the dump is copied (streamed, 64 KiB at a time) to
 * {@code <database>.resilient-incoming}, checked with {@code PRAGMA integrity_check}, marked read-only and renamed
 * over the standby in one atomic step. A failed, refused or cancelled import leaves the standby as it was, and a
 * reader of the standby sees either the old database or the new one, never a mix.
 */
final class SqliteImporter implements Importer {
    private static final int CHUNK = 64 * 1024;
    private static final List<String> SIDECARS = List.of("-journal", "-wal", "-shm");
    private final SqliteSettings settings;

    SqliteImporter(SqliteSettings settings) {
        this.settings = settings;
    }

    @Override
    public void importBackup(ImportContext context) {
        Path database = settings.database();
        String what = "import of " + context.backupId() + " into SQLite standby " + database;
        Cancellation cancellation = context.cancellation();
        cancellation.throwIfCancelled(what);
        Path dump = context.directory().resolve(Sqlite.DUMP_FILE);
        if (!Files.isRegularFile(dump)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, what + ": the backup holds no " + Sqlite.DUMP_FILE
                    + "; it is not an export of the sqlite component");
        }
        Path incoming = database.resolveSibling(database.getFileName() + ".resilient-incoming");
        try {
            Files.createDirectories(database.toAbsolutePath().getParent());
            deleteWithSidecars(incoming);
            copy(dump, incoming, context);
            if (!SqliteHeader.isDatabase(incoming)) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, what + ": " + Sqlite.DUMP_FILE
                        + " is not a SQLite database");
            }
            SqliteHeader.setReadOnly(incoming, false); // rollback-journal mode, whatever the live copy used
            check(incoming, what, cancellation);
            cancellation.throwIfCancelled(what);
            SqliteHeader.setReadOnly(incoming, true);
            // A journal left beside the old standby would be played into the new file: remove it first.
            for (String s : SIDECARS) {
                Files.deleteIfExists(database.resolveSibling(database.getFileName() + s));
            }
            swap(incoming, database);
            System.getLogger(context.loggerName()).log(Level.DEBUG, () -> what + ": done");
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + " failed: " + e + "; the standby is unchanged", e);
        } finally {
            try {
                deleteWithSidecars(incoming);
            } catch (IOException ignored) {
                // The next import removes it first.
            }
        }
    }

    private static void copy(Path from, Path to, ImportContext context) throws IOException {
        long total = Files.size(from);
        long done = 0;
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(from);
             OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                context.cancellation().throwIfCancelled("copy of " + from);
                out.write(buffer, 0, n);
                done += n;
                context.progress().progress("copy", done, total, "bytes");
            }
        }
    }

    private void check(Path copy, String what, Cancellation cancellation) {
        List<String> problems = new ArrayList<>();
        try (Connection c = Sqlite.open(copy, settings.busyTimeout(), false);
             Statement s = c.createStatement();
             Sqlite.Interrupter watch = new Sqlite.Interrupter(cancellation, s)) {
            s.execute("PRAGMA journal_mode=DELETE");
            try (ResultSet r = s.executeQuery("PRAGMA " + settings.checkPragma())) {
                while (r.next()) {
                    problems.add(r.getString(1));
                }
            }
        } catch (SQLException e) {
            throw Sqlite.failure(e, cancellation, ErrorCode.VERIFICATION_FAILED, what + ": the restored copy cannot be"
                    + " read as a SQLite database; the standby is unchanged");
        }
        if (!problems.equals(List.of("ok"))) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, what + ": PRAGMA " + settings.checkPragma()
                    + " found " + problems.size() + " problem(s), first: " + problems.get(0) + "; the standby is unchanged");
        }
    }

    private static void swap(Path incoming, Path database) throws IOException {
        try (FileChannel ch = FileChannel.open(incoming, StandardOpenOption.WRITE)) {
            ch.force(true); // the content is on disk before the name points at it
        }
        try {
            Files.move(incoming, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + incoming + " over " + database + " atomically", e);
        }
    }

    private static void deleteWithSidecars(Path file) throws IOException {
        Files.deleteIfExists(file);
        for (String s : SIDECARS) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + s));
        }
    }

    @Override
    public void promote(RoleChangeContext context) {
        Path database = settings.database();
        String what = "promotion of SQLite standby " + database + " in epoch " + context.epoch();
        if (!Files.isRegularFile(database)) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, what + ": no database; nothing was imported yet");
        }
        try {
            if (SqliteHeader.isReadOnly(database)) {
                // The standby has readers only (SQLite lets nobody write it): no lock to take against writers.
                SqliteHeader.setReadOnly(database, false);
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + " failed: " + e, e);
        }
    }

    @Override
    public void demote(RoleChangeContext context) {
        Path database = settings.database();
        String what = "demotion of SQLite database " + database + " (epoch " + context.epoch() + " has another leader)";
        if (!Files.isRegularFile(database)) {
            return; // nothing live to fence
        }
        try {
            if (SqliteHeader.isReadOnly(database)) {
                return; // told twice
            }
            Demotion.fence(database, settings.busyTimeout(), what);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + " failed: " + e, e);
        }
    }
}
