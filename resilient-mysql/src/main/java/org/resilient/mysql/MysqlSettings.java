package org.resilient.mysql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
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
    static final String HOST = "mysql.host";
    static final String PORT = "mysql.port";
    static final String SOCKET = "mysql.socket";
    static final String USER = "mysql.user";
    static final String PASSWORD = "mysql.password";
    static final String DATABASES = "mysql.databases";
    static final String THREADS = "mysql.threads";
    static final String TOOL_DIR = "mysql.tool-dir";
    static final String TIMEOUT = "mysql.timeout";
    static final String STALL_TIMEOUT = "mysql.stall-timeout";
    static final String TRX_ONLY = "mysql.trx-consistency-only";
    static final String ROWS = "mysql.rows-per-file";

    /** The declarations, for configuration checks and {@code --help}. */
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.optional(HOST, Type.STRING, "127.0.0.1", "server host name or address (ignored when mysql.socket is set)"),
            SettingSpec.optional(PORT, Type.INT, "3306", "server TCP port"),
            SettingSpec.optional(SOCKET, Type.PATH, null, "server Unix socket; used instead of host and port when set"),
            SettingSpec.optional(USER, Type.STRING, "root", "account used by mydumper/myloader and the control queries"),
            SettingSpec.optional(PASSWORD, Type.STRING, null,
                    "password of that account (passed through a temporary 0600 defaults file, never argv)").asSecret(),
            SettingSpec.optional(DATABASES, Type.LIST, null,
                    "databases to back up, comma-separated (required to export; on import defaults to every database of the backup)"),
            SettingSpec.optional(THREADS, Type.INT, "4", "mydumper/myloader threads"),
            SettingSpec.optional(TOOL_DIR, Type.PATH, null, "directory holding mydumper and myloader (default: PATH)"),
            SettingSpec.optional(TIMEOUT, Type.DURATION, "6h", "how long one mydumper or myloader run may take"),
            SettingSpec.optional(STALL_TIMEOUT, Type.DURATION, "30s",
                    "how long a dump session may wait for a lock or a table flush before the dump is stopped, naming"
                    + " the sessions in its way"),
            SettingSpec.optional(TRX_ONLY, Type.BOOLEAN, "false",
                    "true: only InnoDB tables are consistent and writes are never blocked for the whole dump; false:"
                            + " when non-InnoDB tables are dumped, a global read lock is held for the whole dump"),
            SettingSpec.optional(ROWS, Type.LONG, "250000",
                    "split tables into files of this many rows (mydumper --rows) so myloader loads a big table with"
                            + " several threads; 0 keeps one file per table"));

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
        host = s.string(HOST, "127.0.0.1").trim();
        port = s.integer(PORT, 3306);
        socket = s.path(SOCKET, null);
        user = s.string(USER, "root").trim();
        password = s.get(PASSWORD).orElse(null);
        databases = s.list(DATABASES);
        threads = s.integer(THREADS, 4);
        toolDir = s.path(TOOL_DIR, null);
        timeout = s.duration(TIMEOUT, Duration.ofHours(6));
        stallTimeout = s.duration(STALL_TIMEOUT, Duration.ofSeconds(30));
        trxConsistencyOnly = s.get(TRX_ONLY).isPresent() ? s.bool(TRX_ONLY, false) : null;
        rowsPerFile = s.longValue(ROWS, 250_000);
    }

    /**
     * Reads and checks the settings, reporting every problem at once.
     *
     * @param settings the node's settings
     * @return the typed settings
     * @throws ResilienceException with {@link ErrorCode#CONFIG_INVALID} listing every problem
     */
    public static MysqlSettings from(Settings settings) {
        List<String> problems = new ArrayList<>();
        MysqlSettings parsed = null;
        // Typed accessors fail one at a time; probe each key so all problems are reported together.
        for (SettingSpec spec : SPECS) {
            try {
                probe(settings, spec);
            } catch (ResilienceException e) {
                problems.add(e.getMessage());
            }
        }
        for (String key : settings.keys()) {
            if (key.startsWith(PREFIX + ".") && SPECS.stream().noneMatch(sp -> sp.key().equals(key))) {
                problems.add("unknown setting '" + key + "' (known: "
                        + SPECS.stream().map(SettingSpec::key).toList() + ")");
            }
        }
        if (problems.isEmpty()) {
            parsed = new MysqlSettings(settings);
            if (parsed.port < 1 || parsed.port > 65535) {
                problems.add("setting '" + PORT + "' has value " + parsed.port + ", expected a port between 1 and 65535");
            }
            if (parsed.threads < 1 || parsed.threads > 256) {
                problems.add("setting '" + THREADS + "' has value " + parsed.threads + ", expected 1 to 256");
            }
            if (parsed.user.isEmpty()) {
                problems.add("setting '" + USER + "' is empty; name the account to connect as");
            }
            for (String db : parsed.databases) {
                String why = DatabaseNames.problem(db);
                if (why != null) {
                    problems.add("setting '" + DATABASES + "' names '" + db + "': " + why);
                }
            }
            if (parsed.rowsPerFile < 0) {
                problems.add("setting '" + ROWS + "' must be 0 or more");
            }
            if (parsed.timeout.isNegative() || parsed.timeout.isZero()) {
                problems.add("setting '" + TIMEOUT + "' must be positive");
            }
            if (parsed.stallTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add("setting '" + STALL_TIMEOUT + "' must be at least 1s");
            }
        }
        if (!problems.isEmpty()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "invalid mysql settings:\n  " + String.join("\n  ", problems));
        }
        return parsed;
    }

    private static void probe(Settings s, SettingSpec spec) {
        switch (spec.type()) {
            case INT -> s.integer(spec.key(), 0);
            case LONG -> s.longValue(spec.key(), 0);
            case DURATION -> s.duration(spec.key(), Duration.ZERO);
            case BOOLEAN -> s.bool(spec.key(), false);
            case PATH -> s.path(spec.key(), null);
            default -> s.get(spec.key());
        }
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
