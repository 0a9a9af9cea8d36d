package org.resilient.mysql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * A temporary option file holding the account name and password, created with mode 0600 before anything is
 * written to it, handed to mydumper/myloader with {@code --defaults-file}, and deleted on {@link #close()}.
 * This keeps the password out of argv (visible to every user in {@code ps}) and out of the environment.
 */
final class DefaultsFile implements AutoCloseable {
    private final Path file;

    private DefaultsFile(Path file) {
        this.file = file;
    }

    /**
     * Writes the file.
     *
     * @param settings user and password to write
     * @return the file, to close after the tool finished
     */
    static DefaultsFile create(MysqlSettings settings) {
        Path f;
        try {
            f = Files.createTempFile("resilient-mysql-", ".cnf",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR,
                    "cannot create a temporary defaults file for mydumper/myloader in " + System.getProperty("java.io.tmpdir")
                            + ": " + e.getMessage() + "; check that the temporary directory is writable");
        }
        StringBuilder text = new StringBuilder("[client]\n");
        text.append("user=").append(quote(settings.user())).append('\n');
        settings.password().ifPresent(p -> text.append("password=").append(quote(p)).append('\n'));
        try {
            Files.writeString(f, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            delete(f);
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write the temporary defaults file " + f
                    + ": " + e.getMessage());
        }
        return new DefaultsFile(f);
    }

    /**
     * The option to put first on the tool's command line.
     *
     * @return {@code --defaults-file=<path>}
     */
    String option() {
        return "--defaults-file=" + file;
    }

    /**
     * The file.
     *
     * @return its path
     */
    Path path() {
        return file;
    }

    @Override
    public void close() {
        delete(file);
    }

    /** Option-file values in double quotes: backslash and quote escaped, as the client library reads them. */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "the mysql user or password contains a line break, which an option file cannot hold");
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // it is 0600 in the temporary directory; nothing better to do
        }
    }
}
