package org.resilient.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
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

    /** Server host. */
    public static final Setting<String> HOST = Setting.string("postgres.host", "localhost", "PostgreSQL server host");
    /** Server port. */
    public static final Setting<Integer> PORT = Setting.integer("postgres.port", 5432, "PostgreSQL server port")
            .range(1, 65535);
    /** The role to connect as. */
    public static final Setting<String> USER = Setting.string("postgres.user", "postgres", "role to connect as");
    /** The role's password. */
    public static final Setting<String> PASSWORD = Setting.string("postgres.password", null,
            "password of the role (passed through a temporary 0600 pgpass file only)").secret()
            .check(p -> p.indexOf('\n') < 0 && p.indexOf('\r') < 0, "no line break (a pgpass file cannot hold one)");
    /** The databases to export or import. */
    public static final Setting<List<String>> DATABASES = Setting.list("postgres.databases",
            "databases to export/import, comma-separated; default: all user databases");
    /** Parallel jobs of the tools. */
    public static final Setting<Integer> JOBS = Setting.integer("postgres.jobs", 2,
            "parallel jobs of pg_dump/pg_restore").range(1, 64);
    /** The libpq sslmode. */
    public static final Setting<String> SSLMODE = Setting.string("postgres.sslmode", "prefer", "libpq sslmode")
            .oneOf("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** Whether roles and tablespaces travel too. */
    public static final Setting<Boolean> GLOBALS = Setting.bool("postgres.globals", false,
            "also export roles and tablespaces (pg_dumpall --globals-only) and apply them on import");
    /** Where the tools are looked for first. */
    public static final Setting<Path> TOOL_DIR = Setting.path("postgres.tool-dir", null,
            "directory searched first for pg_dump, pg_restore, pg_dumpall and psql");
    /** The database for control statements. */
    public static final Setting<String> MAINTENANCE_DB = Setting.string("postgres.maintenance-db", "postgres",
            "database to connect to for control statements (create, rename, drop)");
    /** Whether to restore without ownership and privileges. */
    public static final Setting<Boolean> NO_OWNER = Setting.bool("postgres.no-owner", false,
            "restore without ownership and privileges (when the standby lacks the source's roles)");
    /** The longest run of one tool. */
    public static final Setting<Duration> TIMEOUT = Setting.duration("postgres.timeout", "12h",
            "longest run of one tool").positive();
    /** How long to wait for a connection. */
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("postgres.connect-timeout", "10s",
            "how long to wait for a connection").check(d -> d.toSeconds() >= 1, "at least 1s");

    /** The declarations of every key, for configuration checks and help. */
    public static final List<SettingSpec> SPECS = Stream.of(HOST, PORT, USER, PASSWORD, DATABASES, JOBS, SSLMODE,
            GLOBALS, TOOL_DIR, MAINTENANCE_DB, NO_OWNER, TIMEOUT, CONNECT_TIMEOUT).map(Setting::spec).toList();

    /**
     * Reads and checks the settings, reporting every problem at once.
     *
     * @param settings the node's settings
     * @return the typed settings
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} naming every bad or unknown key
     */
    public static PostgresSettings from(Settings settings) {
        SettingSpec.validate(settings, SPECS, "postgres settings");
        return new PostgresSettings(HOST.get(settings), PORT.get(settings), USER.get(settings),
                PASSWORD.get(settings), DATABASES.get(settings), JOBS.get(settings), SSLMODE.get(settings),
                GLOBALS.get(settings), TOOL_DIR.get(settings), MAINTENANCE_DB.get(settings), NO_OWNER.get(settings),
                TIMEOUT.get(settings), CONNECT_TIMEOUT.get(settings));
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
