package org.resilient.testkit.mariadb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.resilient.process.ProcessResult;
import org.resilient.process.ProcessRunner;
import org.resilient.process.Tools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway MariaDB server for tests, as a JUnit 5 extension: {@code mariadb-install-db} into a temporary
 * directory, then {@code mariadbd} listening on a free loopback port and on a socket inside that directory.
 * It is stopped and its directory removed after the tests.
 *
 * <pre>{@code
 * @RegisterExtension
 * static MariaDbServer server = new MariaDbServer();   // one server for the whole class
 *
 * @Test void t() {
 *     server.execute("CREATE DATABASE shop");
 *     ... connect to server.host() / server.port() as server.rootUser() without a password ...
 * }
 * }</pre>
 *
 * <p>Registered on a static field the server lives for the test class (fast: give each test fresh
 * databases); on an instance field it lives for one test. It can also be used without JUnit:
 * {@link #start()} and {@link #close()}. {@link #stop()} followed by {@link #start()} restarts it on the same
 * data directory and port, to test what happens while a server is down.
 *
 * <p>When the tests run as root, {@code mariadbd} is started with {@code --user=root}. The {@code root}
 * account has no password and may connect over the socket or from {@code 127.0.0.1}; create accounts with
 * passwords through {@link #execute(String)}. If the MariaDB server package is missing, the start fails with
 * an {@link IllegalStateException} naming the package to install.
 */
public final class MariaDbServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final List<Path> SERVER_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/libexec"),
            Path.of("/usr/local/mysql/bin"), Path.of("/usr/bin"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final java.util.Map<String, MariaDbServer> SHARED = new java.util.HashMap<>();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MariaDbServer.class);

    private final List<String> extraOptions = new ArrayList<>();
    private boolean shared;
    private Path baseDir;
    private int port;
    private Process process;
    private boolean perClass;

    /** A server with default options (small buffer pool, no binary log, relaxed durability for speed). */
    public MariaDbServer() {
    }

    /**
     * A server shared by every test class of the test run that asks for the same name: started by the first
     * class, stopped and removed when the whole run ends. Saves a server start per class; the classes must
     * keep to their own databases (and restore global state such as {@code read_only} they rely on).
     *
     * @param name the name shared between classes, e.g. {@code "standby"}
     * @return the server
     */
    public static synchronized MariaDbServer shared(String name) {
        return SHARED.computeIfAbsent(name, n -> {
            MariaDbServer s = new MariaDbServer();
            s.shared = true;
            return s;
        });
    }

    /**
     * Adds a {@code mariadbd} option, e.g. {@code --innodb-buffer-pool-size=1G}. Call before the start.
     *
     * @param option the option, with its leading dashes
     * @return this
     */
    public MariaDbServer withOption(String option) {
        extraOptions.add(option);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
        if (shared) {
            // Closed when the root context closes, i.e. after the last test class of the run.
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(this, k -> (ExtensionContext.Store.CloseableResource) () -> {
                synchronized (MariaDbServer.class) {
                    SHARED.values().remove(this);
                }
                close();
            });
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass && baseDir == null) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    /**
     * Starts the server: installs a fresh data directory on the first start, reuses it on later starts.
     * Returns once the server accepts connections.
     *
     * @throws IllegalStateException if the server cannot be installed or started (with its error log)
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            if (baseDir == null) {
                baseDir = Files.createTempDirectory("mariadb-test-");
                Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwx------"));
                port = freePort();
                install();
            }
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a MariaDB server in " + baseDir, e);
        }
    }

    /**
     * Stops the server but keeps its data directory and port, so {@link #start()} brings it back.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        // SIGTERM is a clean shutdown for mariadbd; wait for it, then force.
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                ProcessRunner.killTree(process);
            }
        } catch (InterruptedException e) {
            ProcessRunner.killTree(process);
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the server and deletes its directory. */
    @Override
    public synchronized void close() {
        stop();
        if (baseDir != null) {
            deleteTree(baseDir);
            baseDir = null;
        }
    }

    /**
     * Whether the server process is running.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
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
     * The TCP port the server listens on (loopback only).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The server's Unix socket.
     *
     * @return the socket path inside the server's directory
     */
    public Path socket() {
        return baseDir.resolve("mysqld.sock");
    }

    /**
     * The administrator account, which has no password.
     *
     * @return {@code root}
     */
    public String rootUser() {
        return "root";
    }

    /**
     * The server's temporary directory (data directory, socket, error log).
     *
     * @return the directory
     */
    public Path directory() {
        return baseDir;
    }

    /**
     * A JDBC URL for the MariaDB Connector/J driver, over TCP.
     *
     * @param database the default database, or empty
     * @return e.g. {@code jdbc:mariadb://127.0.0.1:40123/shop}
     */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host() + ":" + port + "/" + database;
    }

    /**
     * Runs SQL as root with the {@code mariadb} client over the socket (the SQL goes through standard input,
     * so passwords in it never show in a process list). Statements may use {@code DELIMITER}.
     *
     * @param sql one or more statements
     * @return what the client printed (tab-separated, no column names)
     * @throws org.resilient.api.ResilienceException if the client fails, with its error
     */
    public String execute(String sql) {
        Path file = null;
        try {
            file = Files.createTempFile(baseDir, "sql-", ".sql");
            Files.writeString(file, sql, StandardCharsets.UTF_8);
            ProcessResult r = ProcessRunner.command(client().toString(), "--no-defaults", "--socket=" + socket(),
                            "--user=root", "--default-character-set=utf8mb4", "--batch", "--skip-column-names")
                    .stdinFrom(file).timeout(Duration.ofMinutes(10)).logger(MariaDbServer.class.getName()).run();
            return r.stdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the whole directory is removed at close
                }
            }
        }
    }

    /**
     * Runs one query and returns its single value.
     *
     * @param sql the query
     * @return the first column of the first row, trimmed, or an empty string
     */
    public String queryValue(String sql) {
        String out = execute(sql);
        int nl = out.indexOf('\n');
        String first = nl < 0 ? out : out.substring(0, nl);
        int tab = first.indexOf('\t');
        return (tab < 0 ? first : first.substring(0, tab)).trim();
    }

    private void install() throws IOException {
        Path installDb = Tools.require("mariadb-install-db", List.of(Path.of("/usr/bin")),
                "install the Debian package mariadb-server");
        Path data = baseDir.resolve("data");
        Files.createDirectories(data);
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (isRoot()) {
            cmd.add("--user=root");
        }
        ProcessRunner.command(cmd).directory(baseDir).stdoutTo(baseDir.resolve("install.log"))
                .timeout(Duration.ofMinutes(2)).logger(MariaDbServer.class.getName()).run();
    }

    private void launch() throws IOException {
        Path mariadbd = Tools.find("mariadbd", SERVER_DIRS).or(() -> Tools.find("mysqld", SERVER_DIRS))
                .orElseThrow(() -> new IllegalStateException(
                        "mariadbd not found in " + SERVER_DIRS + " or on PATH: install the Debian package mariadb-server"));
        List<String> cmd = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
                "--datadir=" + baseDir.resolve("data"), "--socket=" + socket(), "--port=" + port,
                "--bind-address=127.0.0.1", "--pid-file=" + baseDir.resolve("mysqld.pid"),
                "--log-error=" + baseDir.resolve("error.log"), "--skip-log-bin",
                "--innodb-buffer-pool-size=128M", "--innodb-flush-log-at-trx-commit=2",
                "--innodb-doublewrite=0", "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci", "--max-allowed-packet=64M"));
        if (isRoot()) {
            cmd.add("--user=root");
        }
        cmd.addAll(extraOptions);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(baseDir.resolve("mysqld.out").toFile());
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts()) {
            if (!process.isAlive()) {
                process = null;
                throw new IllegalStateException("mariadbd exited during start; its log:\n" + errorLog());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("mariadbd did not accept connections within " + START_TIMEOUT
                        + "; its log:\n" + errorLog());
            }
            try {
                Thread.sleep(50); // polling a port with a deadline, not waiting for an event
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting mariadbd", e);
            }
        }
        LOG.info("MariaDB test server on 127.0.0.1:{} (socket {})", port, socket());
    }

    private boolean accepts() {
        if (!Files.exists(socket())) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String errorLog() {
        try {
            Path log = baseDir.resolve("error.log");
            if (!Files.exists(log)) {
                log = baseDir.resolve("mysqld.out");
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path client() {
        return Tools.find("mariadb", List.of()).or(() -> Tools.find("mysql", List.of()))
                .orElseThrow(() -> new IllegalStateException("the mariadb client was not found: install the Debian package mariadb-client"));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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
