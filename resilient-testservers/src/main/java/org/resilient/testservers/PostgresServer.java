package org.resilient.testservers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code pg_ctl start} on a
 * free loopback port, stopped and removed afterwards (see {@link ThrowawayServer} for the life cycle). When the
 * tests run as root the server runs as the {@code postgres} OS user (initdb refuses root).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresServer PG = PostgresServer.shared("live");   // one server for the whole run
 *
 * @Test void t() {
 *     String db = PG.createDatabase();                               // a fresh database per test
 *     PG.psql(db, "CREATE TABLE t(i int)");
 * }
 * }</pre>
 *
 * <p>Connections use TCP on 127.0.0.1 with password (SCRAM) authentication for the superuser {@link #user()}.
 * Binaries come from {@code /usr/lib/postgresql/15/bin} unless the system property or environment variable
 * {@code RESILIENT_PG_BIN} names another directory.
 */
public final class PostgresServer extends ThrowawayServer<PostgresServer> {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dataParent;
    private Path dataDir;
    private Path passFile;
    private String password;
    private boolean running;

    /** A server using the default binaries, with its data in its temporary directory. */
    public PostgresServer() {
        this(null);
    }

    /**
     * A server whose data directory lies below {@code dataParent} (e.g. a small file system, to test a full
     * disk); its write-ahead log stays in the temporary directory so a full data disk gives errors, not a crash.
     * When running as root, the postgres user must be able to reach {@code dataParent}.
     *
     * @param dataParent where to create the data directory, or null for the temporary directory
     */
    public PostgresServer(Path dataParent) {
        String configured = System.getProperty("RESILIENT_PG_BIN", System.getenv("RESILIENT_PG_BIN"));
        this.bin = Path.of(configured != null ? configured : "/usr/lib/postgresql/15/bin");
        this.dataParent = dataParent;
    }

    /**
     * The server shared by every test class of the run that asks for the same name: started by the first class,
     * stopped and removed when the run ends. Tests must keep to their own databases ({@link #createDatabase()}).
     *
     * @param name the name tests share it by
     * @return the server
     */
    public static PostgresServer shared(String name) {
        return shared(PostgresServer.class, name, PostgresServer::new);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    protected String kind() {
        return "PostgreSQL";
    }

    /**
     * The superuser's name.
     *
     * @return {@code postgres}
     */
    public String user() {
        return "postgres";
    }

    /**
     * The superuser's password (random per server).
     *
     * @return the password
     */
    public String password() {
        return password;
    }

    /**
     * The directory holding the server's binaries.
     *
     * @return e.g. {@code /usr/lib/postgresql/15/bin}
     */
    public Path binDirectory() {
        return bin;
    }

    /**
     * A JDBC URL for a database (the password is not part of it).
     *
     * @param database the database
     * @return e.g. {@code jdbc:postgresql://127.0.0.1:5432/db}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/"
                + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Creates a fresh, empty database with a unique name.
     *
     * @return its name
     */
    public String createDatabase() {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        createDatabase(name);
        return name;
    }

    /**
     * Creates an empty database.
     *
     * @param name its name (any characters)
     */
    public void createDatabase(String name) {
        psql("postgres", "CREATE DATABASE " + quoteIdentifier(name) + " TEMPLATE template0");
    }

    /**
     * Drops a database if it exists, closing its connections.
     *
     * @param name its name
     */
    public void dropDatabase(String name) {
        psql("postgres", "DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
    }

    /**
     * Runs SQL with the {@code psql} client as the superuser and returns the output rows, unaligned, fields separated by
     * {@code |}. Stops at the first error (then throws).
     *
     * @param database the database
     * @param statements one or more SQL statements
     * @return the output rows
     */
    public List<String> psql(String database, String statements) {
        String out = ServerTools.exec(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-d", "dbname=" + quoteConnValue(database), "-c", statements),
                Map.of("PGHOST", host(), "PGPORT", Integer.toString(port()), "PGUSER", user(),
                        "PGPASSFILE", passFile.toString(), "PGCONNECT_TIMEOUT", "10"),
                null, Duration.ofMinutes(5), false);
        String trimmed = out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\n"));
    }

    /**
     * Quotes an SQL identifier.
     *
     * @param name the identifier
     * @return it in double quotes, inner quotes doubled
     */
    public static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String quoteConnValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    protected void prepare(Path root) throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        password = HexFormat.of().formatHex(random);
        Path pwFile = root.resolve("pwfile");
        Files.writeString(pwFile, password + "\n");
        passFile = root.resolve("pgpass");
        Files.writeString(passFile, "*:*:*:*:" + password + "\n");
        Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
        Path parent = dataParent != null ? Files.createDirectories(dataParent) : root;
        dataDir = parent.resolve(dataParent != null ? root.getFileName() + "-data" : "data");
        if (ServerTools.isRoot()) {
            // initdb and the server refuse to run as root: hand the directory to the postgres user.
            chownPostgres(root);
            chownPostgres(pwFile);
            if (dataParent != null) {
                chownPostgres(parent);
            }
        }
        List<String> initdb = new ArrayList<>(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(),
                "-U", user(), "--pwfile=" + pwFile, "--auth-host=scram-sha-256", "--auth-local=trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        if (dataParent != null) {
            initdb.add("--waldir=" + root.resolve("wal"));
        }
        ServerTools.exec(asPostgres(initdb), Map.of(), null, Duration.ofMinutes(2), false);
        Files.delete(pwFile);
    }

    @Override
    protected void launch(Path root, int port) throws IOException {
        StringBuilder opts = new StringBuilder("-c listen_addresses=127.0.0.1 -c port=" + port
                + " -c unix_socket_directories=" + root
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=2GB"
                + " -c max_connections=50");
        options().forEach(o -> opts.append(" -c ").append(o.getKey()).append('=').append(o.getValue()));
        try {
            ServerTools.exec(asPostgres(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D",
                    dataDir.toString(), "-l", logFile(root).toString(), "-o", opts.toString())),
                    Map.of(), null, Duration.ofMinutes(2), false);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        running = true;
    }

    @Override
    protected void shutdown(boolean immediate) {
        ServerTools.exec(asPostgres(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-m", immediate ? "immediate" : "fast",
                "-D", dataDir.toString())), Map.of(), null, Duration.ofMinutes(1), immediate);
        running = false;
    }

    @Override
    protected Path logFile(Path root) {
        return root.resolve("server.log");
    }

    @Override
    protected void cleanUp() {
        if (dataParent != null && dataDir != null) {
            ServerTools.deleteTree(dataDir);
        }
    }

    private static List<String> asPostgres(List<String> command) {
        List<String> full = new ArrayList<>();
        if (ServerTools.isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        return full;
    }

    private static void chownPostgres(Path path) throws IOException {
        Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
    }
}
