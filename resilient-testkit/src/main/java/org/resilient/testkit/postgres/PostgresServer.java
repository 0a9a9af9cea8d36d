package org.resilient.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.resilient.process.ProcessRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL server for tests, as a JUnit 5 extension: {@code initdb} into a temporary
 * directory, {@code pg_ctl start} on a free loopback port, stopped and removed afterwards. When the tests
 * run as root the server runs as the {@code postgres} OS user (initdb refuses root).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresServer PG = new PostgresServer();   // one server for the whole class
 *
 * @Test void t() {
 *     String db = PG.createDatabase();                       // a fresh database per test
 *     PG.psql(db, "CREATE TABLE t(i int)");
 * }
 * }</pre>
 *
 * <p>Registered on a static field the server lives for the test class (fast); on an instance field it
 * lives for one test. Connections use TCP on 127.0.0.1 with password (SCRAM) authentication for the
 * superuser {@link #user()}, so tests can also check what a wrong password does. Binaries come from
 * {@code /usr/lib/postgresql/15/bin} unless the system property or environment variable
 * {@code RESILIENT_PG_BIN} names another directory.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Map<String, PostgresServer> SHARED = new ConcurrentHashMap<>();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresServer.class);

    private final Path bin;
    private final Path dataParent;
    private final List<String> extraOptions = new ArrayList<>();
    private Path root;
    private Path dataDir;
    private Path passFile;
    private String password;
    private int port;
    private boolean running;
    private boolean startedForClass;
    private String sharedName;

    /** A server using the default binaries, with its data in a fresh temporary directory. */
    public PostgresServer() {
        this(null);
    }

    /**
     * A server whose data directory lies below {@code dataParent} (e.g. a small file system, to test a
     * full disk); its write-ahead log stays in the temporary directory so a full data disk gives errors,
     * not a crash. When running as root, the postgres user must be able to reach {@code dataParent}.
     *
     * @param dataParent where to create the data directory, or null for the temporary directory
     */
    public PostgresServer(Path dataParent) {
        String configured = System.getProperty("RESILIENT_PG_BIN", System.getenv("RESILIENT_PG_BIN"));
        this.bin = Path.of(configured != null ? configured : "/usr/lib/postgresql/15/bin");
        this.dataParent = dataParent;
    }

    /**
     * A server shared by every test class of the run that asks for the same name: started by the first
     * class that uses it, stopped and removed when the whole run ends. Saves a server start per class;
     * tests must then keep to their own databases ({@link #createDatabase()}).
     *
     * <pre>{@code
     * @RegisterExtension
     * static final PostgresServer PG = PostgresServer.shared("live");
     * }</pre>
     *
     * @param name the name tests share it by
     * @return the server
     */
    public static PostgresServer shared(String name) {
        return SHARED.computeIfAbsent(name, n -> {
            PostgresServer s = new PostgresServer();
            s.sharedName = n;
            return s;
        });
    }

    /**
     * Adds a server option passed as {@code -c name=value} at start (before {@link #start()}).
     *
     * @param name the setting
     * @param value its value
     * @return this
     */
    public PostgresServer option(String name, String value) {
        extraOptions.add(name + "=" + value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (sharedName != null) {
            // the root context's store closes its resources when the whole test run ends
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(sharedName, n -> {
                start();
                return (ExtensionContext.Store.CloseableResource) () -> {
                    SHARED.remove(sharedName);
                    close();
                };
            });
            startedForClass = false;
            return;
        }
        if (!running) {
            start();
            startedForClass = true;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (startedForClass && sharedName == null) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (sharedName == null && !running && root == null) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!startedForClass && sharedName == null) {
            close();
        }
    }

    /**
     * Creates the cluster (the first time) and starts the server. Also restarts a server stopped with
     * {@link #stop()}, on the same port.
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            if (root == null) {
                initCluster();
            }
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                if (port == 0 || attempt > 0) {
                    port = freePort();
                }
                try {
                    pgCtlStart();
                    running = true;
                    LOG.info("PostgreSQL test server on 127.0.0.1:{} (data {})", port, dataDir);
                    return;
                } catch (IOException e) {
                    last = e; // most likely the port was taken between probing and binding: try another
                }
            }
            throw new IllegalStateException("could not start PostgreSQL test server: " + last.getMessage(), last);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create PostgreSQL test server in " + root, e);
        }
    }

    /** Stops the server (fast shutdown), keeping its data for {@link #start()}. */
    public synchronized void stop() {
        if (running) {
            asPostgres(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-m", "fast", "-D", dataDir.toString()))
                    .timeout(Duration.ofMinutes(1)).run();
            running = false;
        }
    }

    /** Stops the server and removes all its files. */
    @Override
    public synchronized void close() {
        try {
            if (running) {
                asPostgres(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-m", "immediate", "-D",
                        dataDir.toString())).timeout(Duration.ofMinutes(1)).allowFailure().run();
                running = false;
            }
        } finally {
            if (root != null) {
                deleteTree(root);
                if (dataParent != null && dataDir != null) {
                    deleteTree(dataDir);
                }
                root = null;
            }
        }
    }

    /**
     * The host to connect to.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return "127.0.0.1";
    }

    /**
     * The TCP port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return port;
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
     * Whether the server is running.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    public boolean isRunning() {
        return running;
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
        return "jdbc:postgresql://" + host() + ":" + port + "/"
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
     * Runs SQL with {@code psql} as the superuser and returns the output rows, unaligned, fields separated by
     * {@code |}. Stops at the first error (then throws).
     *
     * @param database the database
     * @param sql one or more statements
     * @return the output rows
     */
    public List<String> psql(String database, String sql) {
        String out = ProcessRunner.command(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t",
                        "-v", "ON_ERROR_STOP=1", "-d", "dbname=" + quoteConnValue(database), "-c", sql)
                .environment("PGHOST", host())
                .environment("PGPORT", Integer.toString(port))
                .environment("PGUSER", user())
                .environment("PGPASSFILE", passFile.toString())
                .environment("PGCONNECT_TIMEOUT", "10")
                .timeout(Duration.ofMinutes(5))
                .run().stdout();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
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

    private void initCluster() throws IOException {
        root = Files.createTempDirectory("resilient-pg-");
        password = HexFormat.of().formatHex(random16());
        Path pwFile = root.resolve("pwfile");
        Files.writeString(pwFile, password + "\n");
        passFile = root.resolve("pgpass");
        Files.writeString(passFile, "*:*:*:*:" + password + "\n");
        Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
        Path parent = dataParent != null ? Files.createDirectories(dataParent) : root;
        dataDir = parent.resolve(dataParent != null ? root.getFileName() + "-data" : "data");
        if (isRoot()) {
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
        asPostgres(initdb).timeout(Duration.ofMinutes(2)).run();
        Files.delete(pwFile);
    }

    private void pgCtlStart() throws IOException {
        StringBuilder opts = new StringBuilder("-c listen_addresses=127.0.0.1 -c port=" + port
                + " -c unix_socket_directories=" + root
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=2GB"
                + " -c max_connections=50");
        for (String o : extraOptions) {
            opts.append(" -c ").append(o);
        }
        var result = asPostgres(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D",
                dataDir.toString(), "-l", root.resolve("server.log").toString(), "-o", opts.toString()))
                .timeout(Duration.ofMinutes(2)).allowFailure().run();
        if (result.exitCode() != 0) {
            String log = Files.exists(root.resolve("server.log")) ? Files.readString(root.resolve("server.log")) : "";
            throw new IOException("pg_ctl start failed (exit " + result.exitCode() + "): " + result.stderrTail()
                    + "\n" + log);
        }
    }

    private ProcessRunner asPostgres(List<String> command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        return ProcessRunner.command(full).logger(PostgresServer.class.getName());
    }

    private static byte[] random16() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownPostgres(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName("postgres"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            org.resilient.support.fs.AtomicFiles.deleteTree(dir);
        } catch (org.resilient.api.ResilienceException e) {
            LOG.warn("could not remove test server directory {}: {}", dir, e.getMessage());
        }
    }
}
