package org.resilient.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;

/**
 * The typed settings of the {@code postgres} component, read from keys prefixed {@code postgres.}. An export
 * node's keys point at the live server, an import node's at its standby server.
 *
 * @param host server host name or address
 * @param port server TCP port
 * @param user the role to connect as
 * @param password the role's password, or null; only ever written to a temporary 0600 pgpass file
 * @param databases the databases to export or import; empty means all (export: every connectable
 *     non-template database except the maintenance database; import: every database of the backup)
 * @param jobs parallel jobs of pg_dump and pg_restore
 * @param sslmode the libpq sslmode
 * @param globals whether roles and tablespaces are exported ({@code pg_dumpall --globals-only}) and applied
 * @param toolDirectory where to look for pg_dump and friends first, or null
 * @param maintenanceDatabase the database to connect to for control statements
 * @param noOwner whether to restore without ownership and privileges (standby without the source's roles)
 * @param timeout how long one tool may run
 * @param connectTimeout how long to wait for a connection
 */
public record PostgresSettings(String host, int port, String user, String password, List<String> databases,
                               int jobs, String sslmode, boolean globals, Path toolDirectory,
                               String maintenanceDatabase, boolean noOwner, Duration timeout,
                               Duration connectTimeout) {
    /** The prefix of every key. */
    public static final String PREFIX = "postgres.";

    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** The declarations of every key, for configuration checks and help. */
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.optional("postgres.host", Type.STRING, "localhost", "PostgreSQL server host"),
            SettingSpec.optional("postgres.port", Type.INT, "5432", "PostgreSQL server port"),
            SettingSpec.optional("postgres.user", Type.STRING, "postgres", "role to connect as"),
            SettingSpec.optional("postgres.password", Type.STRING, null,
                    "password of the role (passed through a temporary 0600 pgpass file only)").asSecret(),
            SettingSpec.optional("postgres.databases", Type.LIST, null,
                    "databases to export/import, comma-separated; default: all user databases"),
            SettingSpec.optional("postgres.jobs", Type.INT, "2", "parallel jobs of pg_dump/pg_restore (1-64)"),
            SettingSpec.optional("postgres.sslmode", Type.STRING, "prefer",
                    "libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full"),
            SettingSpec.optional("postgres.globals", Type.BOOLEAN, "false",
                    "also export roles and tablespaces (pg_dumpall --globals-only) and apply them on import"),
            SettingSpec.optional("postgres.tool-dir", Type.PATH, null,
                    "directory searched first for pg_dump, pg_restore, pg_dumpall and psql"),
            SettingSpec.optional("postgres.maintenance-db", Type.STRING, "postgres",
                    "database to connect to for control statements (create, rename, drop)"),
            SettingSpec.optional("postgres.no-owner", Type.BOOLEAN, "false",
                    "restore without ownership and privileges (when the standby lacks the source's roles)"),
            SettingSpec.optional("postgres.timeout", Type.DURATION, "12h", "longest run of one tool"),
            SettingSpec.optional("postgres.connect-timeout", Type.DURATION, "10s", "how long to wait for a connection"));

    /**
     * Reads and checks the settings, reporting every problem at once.
     *
     * @param settings the node's settings
     * @return the typed settings
     * @throws ResilienceException {@code CONFIG_INVALID} naming every bad or unknown key
     */
    public static PostgresSettings from(Settings settings) {
        List<String> problems = new ArrayList<>();
        for (String key : settings.keys()) {
            if (key.startsWith(PREFIX) && SPECS.stream().noneMatch(s -> s.key().equals(key))) {
                problems.add("unknown setting '" + key + "' (known: "
                        + SPECS.stream().map(SettingSpec::key).toList() + ")");
            }
        }
        String host = settings.string("postgres.host", "localhost").trim();
        if (host.isEmpty()) {
            problems.add("setting 'postgres.host' is empty: name the server's host");
        }
        int port = read(problems, () -> settings.integer("postgres.port", 5432), 5432);
        if (port < 1 || port > 65535) {
            problems.add("setting 'postgres.port' has value " + port + ", expected 1-65535");
        }
        String user = settings.string("postgres.user", "postgres").trim();
        if (user.isEmpty()) {
            problems.add("setting 'postgres.user' is empty: name the role to connect as");
        }
        String password = settings.get("postgres.password").filter(p -> !p.isEmpty()).orElse(null);
        if (password != null && (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0)) {
            problems.add("setting 'postgres.password' contains a line break, which a pgpass file cannot hold");
        }
        List<String> databases = settings.list("postgres.databases");
        int jobs = read(problems, () -> settings.integer("postgres.jobs", 2), 2);
        if (jobs < 1 || jobs > 64) {
            problems.add("setting 'postgres.jobs' has value " + jobs + ", expected 1-64");
        }
        String sslmode = settings.string("postgres.sslmode", "prefer").trim();
        if (!SSL_MODES.contains(sslmode)) {
            problems.add("setting 'postgres.sslmode' has value '" + sslmode + "', expected one of " + SSL_MODES);
        }
        boolean globals = read(problems, () -> settings.bool("postgres.globals", false), false);
        Path toolDir = read(problems, () -> settings.path("postgres.tool-dir", null), null);
        String maintenance = settings.string("postgres.maintenance-db", "postgres").trim();
        boolean noOwner = read(problems, () -> settings.bool("postgres.no-owner", false), false);
        Duration timeout = read(problems, () -> settings.duration("postgres.timeout", Duration.ofHours(12)),
                Duration.ofHours(12));
        Duration connectTimeout = read(problems,
                () -> settings.duration("postgres.connect-timeout", Duration.ofSeconds(10)), Duration.ofSeconds(10));
        if (connectTimeout.toSeconds() < 1) {
            problems.add("setting 'postgres.connect-timeout' must be at least 1s");
        }
        if (!problems.isEmpty()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "invalid postgres settings:\n  " + String.join("\n  ", problems)
                            + "\nFix them in the node's config file (or the RESILIENT_POSTGRES_* variables).");
        }
        return new PostgresSettings(host, port, user, password, databases, jobs, sslmode, globals, toolDir,
                maintenance, noOwner, timeout, connectTimeout);
    }

    private static <T> T read(List<String> problems, Supplier<T> reader, T fallback) {
        try {
            return reader.get();
        } catch (ResilienceException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }

    /**
     * Where the server is, for messages.
     *
     * @return {@code host:port}
     */
    public String where() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        // never print the password
        return "PostgresSettings[" + user + "@" + where() + ", databases=" + databases + ", jobs=" + jobs + "]";
    }
}
