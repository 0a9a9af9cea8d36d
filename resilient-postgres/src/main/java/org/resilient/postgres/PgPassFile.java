package org.resilient.postgres;

import java.nio.file.Path;
import org.resilient.process.SecretFile;

/**
 * A temporary pgpass file holding the password for the tools, so that it never appears in argv, the environment
 * or logs: a {@link SecretFile} (0600 in a 0700 directory of this user, removed on close, at exit, or, after a
 * {@code kill -9}, by the next process that writes a secret file).
 */
final class PgPassFile implements AutoCloseable {
    private final SecretFile file;

    private PgPassFile(SecretFile file) {
        this.file = file;
    }

    /**
     * Writes the file.
     *
     * @param password the password
     * @return the file, to be closed after the tools ran
     */
    public static PgPassFile create(String password) {
        return new PgPassFile(SecretFile.create("pgpass", "*:*:*:*:" + escape(password) + "\n"));
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
        return file.path();
    }

    @Override
    public void close() {
        file.close();
    }
}
