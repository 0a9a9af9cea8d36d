package org.resilient.mysql;

import java.nio.file.Path;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.process.SecretFile;

/**
 * A temporary option file holding the account name and password, a {@link SecretFile} (created 0600 before
 * anything is written to it, removed on {@link #close()}, at exit, or after a {@code kill -9} by the next process
 * that writes a secret file), handed to mydumper/myloader with {@code --defaults-file}.
 * This keeps the password out of argv (visible to every user in {@code ps}) and out of the environment.
 */
final class DefaultsFile implements AutoCloseable {
    private final SecretFile secret;
    private final Path file;

    private DefaultsFile(SecretFile secret) {
        this.secret = secret;
        this.file = secret.path();
    }

    /**
     * Writes the file.
     *
     * @param settings user and password to write
     * @return the file, to close after the tool finished
     */
    static DefaultsFile create(MysqlSettings settings) {
        StringBuilder text = new StringBuilder("[client]\n");
        text.append("user=").append(quote(settings.user())).append('\n');
        settings.password().ifPresent(p -> text.append("password=").append(quote(p)).append('\n'));
        return new DefaultsFile(SecretFile.create("mysql-defaults", text.toString()));
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
        secret.close();
    }

    /** Option-file values in double quotes: backslash and quote escaped, as the client library reads them. */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "the mysql user or password contains a line break, which an option file cannot hold");
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
