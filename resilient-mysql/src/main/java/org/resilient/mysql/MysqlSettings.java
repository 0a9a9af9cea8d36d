package org.resilient.mysql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * The typed, validated settings of the {@code mysql} component (prefix {@code mysql.}). The same keys
 * describe the live server on an export node and the standby server on an import node.
 *
 * <p>The password is a secret: it is only ever written to a temporary 0600 defaults file handed to the
 * tools with {@code --defaults-file}, and given to the JDBC driver as a connection property; never argv,
 * logs or messages.
 */
public final class MysqlSettings {
    /** The prefix of every key. */
    public static final String PREFIX = "mysql";

    /** Server host. */
    public static final Setting<String> HOST = Setting.string("mysql.host", "127.0.0.1",
            "server host name or address (ignored when mysql.socket is set)");
    /** Server port. */
    public static final Setting<Integer> PORT = Setting.integer("mysql.port", 3306, "server TCP port").range(1, 65535);
    /** Server Unix socket. */
    public static final Setting<Path> SOCKET = Setting.path("mysql.socket", null,
            "server Unix socket; used instead of host and port when set");
    /** The account. */
    public static final Setting<String> USER = Setting.string("mysql.user", "root",
            "account used by mydumper/myloader and the control queries");
    /** The account's password. */
    public static final Setting<String> PASSWORD = Setting.string("mysql.password", null,
            "password of that account (passed through a temporary 0600 defaults file, never argv)").secret();
    /** The databases. */
    public static final Setting<List<String>> DATABASES = Setting.list("mysql.databases",
            "databases to back up, comma-separated. Unset: an import takes every database of the backup, and an"
                    + " export (a promoted standby's) every database of the server that is not a system or temporary"
                    + " one, so a promoted node exports what it imported")
            .validate(MysqlSettings::databaseProblems,
                    "1 to 58 letters, digits, '_' or '$'; no system or temporary database");
    /** Tool threads. */
    public static final Setting<Integer> THREADS = Setting.integer("mysql.threads", 4, "mydumper/myloader threads")
            .range(1, 256);
    /** Where the tools are looked for first. */
    public static final Setting<Path> TOOL_DIR = Setting.path("mysql.tool-dir", null,
            "directory holding mydumper and myloader (default: PATH)");
    /** The longest run of one tool. */
    public static final Setting<Duration> TIMEOUT = Setting.duration("mysql.timeout", "6h",
            "how long one mydumper or myloader run may take").positive();
    /** How long a dump session may wait for a lock before the dump is stopped. */
    public static final Setting<Duration> STALL_TIMEOUT = Setting.duration("mysql.stall-timeout", "30s",
            "how long the dump may make no progress (a session waiting for a lock or a flush, or mydumper idle) before"
                    + " it is stopped with the sessions in its way named").positive();
    /** Whether mydumper runs with --trx-consistency-only; unset: decided by the tables' engines. */
    public static final Setting<Boolean> TRX_ONLY = Setting.bool("mysql.trx-consistency-only", null,
            "true: only InnoDB tables are consistent and writes are never blocked for the whole dump; false: when"
                    + " non-InnoDB tables are dumped, a global read lock is held for the whole dump; unset: false");
    /** Rows per data file. */
    public static final Setting<Long> ROWS = Setting.longValue("mysql.rows-per-file", 250_000L,
            "split tables into files of this many rows (mydumper --rows) so myloader loads a big table with"
                    + " several threads; 0 keeps one file per table").range(0, Long.MAX_VALUE);

    /** The declarations, for configuration checks and {@code --help}. */
    public static final List<SettingSpec> SPECS = Stream.of(HOST, PORT, SOCKET, USER, PASSWORD, DATABASES, THREADS,
            TOOL_DIR, TIMEOUT, STALL_TIMEOUT, TRX_ONLY, ROWS).map(Setting::spec).toList();

    private final String host;
    private final int port;
    private final Path socket;
    private final String user;
    private final String password;
    private final List<String> databases;
    private final int threads;
    private final Path toolDir;
    private final Duration timeout;
    private final Duration stallTimeout;
    private final Boolean trxConsistencyOnly;
    private final long rowsPerFile;

    private MysqlSettings(Settings s) {
        host = HOST.get(s);
        port = PORT.get(s);
        socket = SOCKET.get(s);
        user = USER.get(s);
        password = PASSWORD.get(s);
        databases = DATABASES.get(s);
        threads = THREADS.get(s);
        toolDir = TOOL_DIR.get(s);
        timeout = TIMEOUT.get(s);
        stallTimeout = STALL_TIMEOUT.get(s);
        trxConsistencyOnly = TRX_ONLY.get(s);
        rowsPerFile = ROWS.get(s);
    }

    /**
     * Reads and checks the settings, reporting every problem at once.
     *
     * @param settings the node's settings
     * @return the typed settings
     * @throws org.resilient.api.ResilienceException with {@code CONFIG_INVALID} listing every problem
     */
    public static MysqlSettings from(Settings settings) {
        SettingSpec.validate(settings, SPECS, "mysql settings");
        return new MysqlSettings(settings);
    }

    private static String databaseProblems(List<String> names) {
        List<String> bad = new ArrayList<>();
        for (String db : names) {
            String why = DatabaseNames.problem(db);
            if (why != null) {
                bad.add("'" + db + "': " + why);
            }
        }
        return bad.isEmpty() ? null : String.join("; ", bad);
    }

    /**
     * The host, used when no socket is set.
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * The TCP port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The Unix socket, which wins over host and port.
     *
     * @return the socket, if set
     */
    public Optional<Path> socket() {
        return Optional.ofNullable(socket);
    }

    /**
     * The account name.
     *
     * @return the user
     */
    public String user() {
        return user;
    }

    /**
     * The password; never log it.
     *
     * @return the password, if set
     */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /**
     * The configured databases.
     *
     * @return the names, possibly empty
     */
    public List<String> databases() {
        return databases;
    }

    /**
     * Threads for mydumper and myloader.
     *
     * @return 1 to 256
     */
    public int threads() {
        return threads;
    }

    /**
     * The directory to look for the tools in first.
     *
     * @return the directory, if set
     */
    public Optional<Path> toolDir() {
        return Optional.ofNullable(toolDir);
    }

    /**
     * The limit for one tool run.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * How long a dump session may wait for a lock or a table flush.
     *
     * @return the stall timeout
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Whether mydumper runs with {@code --trx-consistency-only}, if configured.
     *
     * @return true to hold the global read lock only while transactions start; empty to decide by engine
     */
    public Optional<Boolean> trxConsistencyOnly() {
        return Optional.ofNullable(trxConsistencyOnly);
    }

    /**
     * Rows per data file ({@code mydumper --rows}), 0 for one file per table.
     *
     * @return the number of rows
     */
    public long rowsPerFile() {
        return rowsPerFile;
    }

    /**
     * Where the server is, for messages (never the password).
     *
     * @return {@code user@host:port} or {@code user@socket}
     */
    public String where() {
        return user + "@" + (socket != null ? socket.toString() : host + ":" + port);
    }
}
