package org.resilient.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * A temporary pgpass file (mode 0600, removed on close) holding the password for the tools, so that it never
 * appears in argv, the environment or logs.
 */
final class PgPassFile implements AutoCloseable {
    private final Path file;

    private PgPassFile(Path file) {
        this.file = file;
    }

    /**
     * Writes the file.
     *
     * @param password the password
     * @return the file, to be closed after the tools ran
     */
    public static PgPassFile create(String password) {
        try {
            // created with 0600 from the start: there is no moment where others could read it
            Path f = Files.createTempFile("resilient-pgpass-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, "*:*:*:*:" + escape(password) + "\n");
            return new PgPassFile(f);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR,
                    "cannot write a temporary pgpass file in " + System.getProperty("java.io.tmpdir")
                            + ": " + e.getMessage() + "; check that the temporary directory is writable");
        }
    }

    /**
     * Escapes a pgpass field: backslash and colon get a backslash.
     *
     * @param value the field
     * @return the escaped field
     */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /**
     * The file's path, for {@code PGPASSFILE}.
     *
     * @return the path
     */
    public Path path() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: the file is 0600 and in the temporary directory
        }
    }
}
