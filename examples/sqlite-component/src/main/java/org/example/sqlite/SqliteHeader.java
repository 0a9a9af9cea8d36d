package org.example.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The first 100 bytes of a SQLite database file (https://www.sqlite.org/fileformat.html), used to make a database
 * read-only for every client: a file whose "write version" (byte 18) is above 2 is opened read-only by SQLite
 * itself, whatever the client asks and whoever runs it (file modes do not stop root). Writing the header also
 * bumps the file change counter, so that connections with cached pages re-read page 1 and see the change.
 */
final class SqliteHeader {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int WRITE_VERSION = 18;
    private static final int READ_VERSION = 19;
    private static final int CHANGE_COUNTER = 24;
    private static final int VERSION_VALID_FOR = 92;
    /** Write version 1 = rollback journal (legacy), 2 = WAL; above 2 SQLite opens the file read-only. */
    private static final byte READ_ONLY = 3;
    private static final byte ROLLBACK_JOURNAL = 1;

    private SqliteHeader() {
    }

    /**
     * Whether a file starts like a SQLite database.
     *
     * @param file the file
     * @return true if it has the magic string and a whole header
     * @throws IOException if it cannot be read
     */
    static boolean isDatabase(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = read(ch);
            return header.limit() == 100 && header.slice(0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC));
        }
    }

    /**
     * Whether SQLite opens the file read-only because of its header.
     *
     * @param file the database
     * @return true if its write version is above 2
     * @throws IOException if it cannot be read
     */
    static boolean isReadOnly(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch).get(WRITE_VERSION) > 2;
        }
    }

    /**
     * Sets the file read-only or writable (rollback-journal mode) for every SQLite client, and bumps its change
     * counter. The caller makes sure no connection writes meanwhile (an exclusive lock, or a file no one opened).
     *
     * @param ch the database, open for writing
     * @param readOnly true to make it read-only
     * @throws IOException if it cannot be written
     */
    static void setReadOnly(FileChannel ch, boolean readOnly) throws IOException {
        ByteBuffer header = read(ch);
        if (header.limit() < 100) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "not a SQLite database: shorter than its header");
        }
        header.put(WRITE_VERSION, readOnly ? READ_ONLY : ROLLBACK_JOURNAL);
        header.put(READ_VERSION, ROLLBACK_JOURNAL);
        int counter = header.getInt(CHANGE_COUNTER) + 1;
        header.putInt(CHANGE_COUNTER, counter);
        header.putInt(VERSION_VALID_FOR, counter);
        header.rewind();
        while (header.hasRemaining()) {
            ch.write(header, header.position());
        }
        ch.force(true);
    }

    /**
     * {@link #setReadOnly(FileChannel, boolean)} on a file no connection has open.
     *
     * @param file the database
     * @param readOnly true to make it read-only
     * @throws IOException if it cannot be written
     */
    static void setReadOnly(Path file, boolean readOnly) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            setReadOnly(ch, readOnly);
        }
    }

    private static ByteBuffer read(FileChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(100);
        while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
            // read until the header is whole or the file ends
        }
        header.flip();
        return header;
    }
}
