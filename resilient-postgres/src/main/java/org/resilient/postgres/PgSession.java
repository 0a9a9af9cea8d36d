package org.resilient.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.process.ProcessResult;
import org.resilient.process.ProcessRunner;

/**
 * Runs PostgreSQL tools against one server: the connection goes through libpq environment variables and a
 * temporary pgpass file, control statements through {@code psql}, and every failure becomes a
 * {@link ResilienceException} with the right code and the tool's last stderr lines. Close it to remove the
 * pgpass file.
 */
final class PgSession implements AutoCloseable {
    private final PostgresSettings settings;
    private final PgTools tools;
    private final PgPassFile passFile;
    private final Cancellation cancellation;
    private final String loggerName;
    private int serverVersionNum;

    private final boolean ownsPassFile;

    /**
     * Opens a session (no connection is made yet).
     *
     * @param settings the server and credentials
     * @param tools where the tools are
     * @param cancellation the operation's cancellation
     * @param loggerName where tool output is logged
     */
    public PgSession(PostgresSettings settings, PgTools tools, Cancellation cancellation, String loggerName) {
        this(settings, tools, settings.password() == null ? null : PgPassFile.create(settings.password()),
                cancellation, loggerName, true);
    }

    private PgSession(PostgresSettings settings, PgTools tools, PgPassFile passFile, Cancellation cancellation,
                      String loggerName, boolean ownsPassFile) {
        this.settings = settings;
        this.tools = tools;
        this.passFile = passFile;
        this.cancellation = cancellation;
        this.loggerName = loggerName;
        this.ownsPassFile = ownsPassFile;
    }

    /**
     * The same session, but deaf to cancellation: for cleaning up after a cancelled operation. Closing it
     * does not remove the pgpass file.
     *
     * @return a session sharing the connection settings
     */
    public PgSession uncancellable() {
        PgSession s = new PgSession(settings, tools, passFile, Cancellation.never(), loggerName, false);
        s.serverVersionNum = serverVersionNum;
        return s;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public PostgresSettings settings() {
        return settings;
    }

    /**
     * Connects once and learns the server's version; the first call also proves that the server is reachable
     * and the credentials work.
     *
     * @return {@code server_version_num}, e.g. 150004
     */
    public int serverVersionNum() {
        if (serverVersionNum == 0) {
            serverVersionNum = Integer.parseInt(queryValue(settings.maintenanceDatabase(), "SHOW server_version_num").trim());
        }
        return serverVersionNum;
    }

    /**
     * The server's major version.
     *
     * @return e.g. 15
     */
    public int serverMajor() {
        return majorOf(serverVersionNum());
    }

    /**
     * The major version of a {@code server_version_num}.
     *
     * @param versionNum e.g. 150004 or 90624
     * @return e.g. 15 or 9
     */
    public static int majorOf(int versionNum) {
        // 150004 is 15.4; 90624 is 9.6.24, whose first part (9) is below every current major
        return versionNum / 10000;
    }

    /**
     * Finds a tool matching the server's version.
     *
     * @param name e.g. {@code pg_dump}
     * @return the executable
     */
    public Path tool(String name) {
        return tools.require(name, serverMajor());
    }

    /**
     * Runs a query with psql and returns its rows, fields separated by the unit separator (0x1F).
     *
     * @param database the database
     * @param sql one statement
     * @return the rows
     */
    public List<String> query(String database, String sql) {
        ProcessResult r = run("psql in database '" + database + "'", psqlCommand(database, List.of(sql), true));
        String out = r.stdout();
        if (out.endsWith("\n")) {
            out = out.substring(0, out.length() - 1);
        }
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n", -1));
    }

    /**
     * Runs a query that returns one value.
     *
     * @param database the database
     * @param sql the query
     * @return the value
     */
    public String queryValue(String database, String sql) {
        List<String> rows = query(database, sql);
        if (rows.size() != 1) {
            throw new ResilienceException(ErrorCode.INTERNAL, "expected one row from '" + sql + "', got " + rows.size());
        }
        return rows.get(0);
    }

    /**
     * Runs statements with psql, each in its own transaction, stopping at the first error.
     *
     * @param database the database
     * @param statements the statements
     */
    public void execute(String database, String... statements) {
        run("psql in database '" + database + "'", psqlCommand(database, List.of(statements), false));
    }

    /**
     * Runs a tool with the connection environment, failing with a classified error.
     *
     * @param what what is done, for messages
     * @param command the command
     * @return the result
     */
    public ProcessResult run(String what, List<String> command) {
        ProcessResult r = runner(command).run();
        if (r.exitCode() != 0) {
            throw PgErrors.failure(what, settings.where(), r.exitCode(), r.stderrTail());
        }
        return r;
    }

    /**
     * A process runner with the connection environment, cancellation, timeout and redaction set, that
     * does not throw on a non-zero exit.
     *
     * @param command the command
     * @return the runner
     */
    public ProcessRunner runner(List<String> command) {
        ProcessRunner runner = ProcessRunner.command(command)
                .environment("PGHOST", settings.host())
                .environment("PGPORT", Integer.toString(settings.port()))
                .environment("PGUSER", settings.user())
                .environment("PGSSLMODE", settings.sslmode())
                .environment("PGCONNECT_TIMEOUT", Long.toString(settings.connectTimeout().toSeconds()))
                .environment("PGAPPNAME", "resilient")
                // libpq variables of the calling process that would override or redirect the settings
                .removeEnvironment("PGHOSTADDR")
                .removeEnvironment("PGSERVICE")
                .removeEnvironment("PGSERVICEFILE")
                .removeEnvironment("PGOPTIONS")
                .removeEnvironment("PGDATABASE")
                .removeEnvironment("PGTARGETSESSIONATTRS")
                .cancellation(cancellation)
                .timeout(settings.timeout())
                .logger(loggerName)
                .tailLines(20)
                .allowFailure();
        if (passFile != null) {
            // a PGPASSWORD of the calling process would win over the pgpass file
            runner.removeEnvironment("PGPASSWORD");
            runner.environment("PGPASSFILE", passFile.path().toString());
            runner.redact(List.of(settings.password()));
        }
        return runner;
    }

    /**
     * The {@code --dbname} argument selecting a database by name, whatever characters it holds (a bare name
     * containing {@code =} would be read as a connection string).
     *
     * @param database the name
     * @return {@code --dbname=dbname='...'}
     */
    public static String dbnameArg(String database) {
        return "--dbname=dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * Quotes an SQL identifier.
     *
     * @param name the identifier
     * @return it in double quotes
     */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * Quotes an SQL string literal (standard_conforming_strings on, the default since 9.1).
     *
     * @param value the text
     * @return it in single quotes
     */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private List<String> psqlCommand(String database, List<String> statements, boolean tuples) {
        List<String> cmd = new ArrayList<>(List.of(tools.psql().toString(), "-X", "-q", "-A", "-v", "ON_ERROR_STOP=1",
                dbnameArg(database)));
        if (tuples) {
            cmd.addAll(List.of("-t", "-F", "\u001f"));
        }
        for (String s : statements) {
            cmd.add("-c");
            cmd.add(s);
        }
        return cmd;
    }

    @Override
    public void close() {
        if (passFile != null && ownsPassFile) {
            passFile.close();
        }
    }
}
