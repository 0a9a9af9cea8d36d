package org.resilient.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway MariaDB server for tests: {@code mariadb-install-db} into a temporary directory, then
 * {@code mariadbd} on a free loopback port and on a socket inside that directory, stopped and removed
 * afterwards (see {@link ThrowawayServer} for the life cycle).
 *
 * <pre>{@code
 * @RegisterExtension
 * static MariaDbServer server = MariaDbServer.shared("source");
 *
 * @Test void t() {
 *     server.execute("CREATE DATABASE shop");
 *     ... connect to server.host() / server.port() as server.rootUser() without a password ...
 * }
 * }</pre>
 *
 * <p>When the tests run as root, {@code mariadbd} runs with {@code --user=root}. The {@code root} account has no
 * password and may connect over the socket or from {@code 127.0.0.1}; create accounts with passwords through
 * {@link #execute(String)}. If the MariaDB server package is missing, the start fails naming the package.
 */
public final class MariaDbServer extends ThrowawayServer<MariaDbServer> {
    private static final List<Path> SERVER_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/libexec"),
            Path.of("/usr/local/mysql/bin"), Path.of("/usr/bin"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private Process process;

    /** A server with default options (small buffer pool, no binary log, relaxed durability for speed). */
    public MariaDbServer() {
    }

    /**
     * The server shared by every test class of the run that asks for the same name: started by the first
     * class, stopped and removed when the run ends. The classes must keep to their own databases (and restore
     * global state such as {@code read_only} they rely on).
     *
     * @param name the name shared between classes, e.g. {@code "standby"}
     * @return the server
     */
    public static MariaDbServer shared(String name) {
        return shared(MariaDbServer.class, name, MariaDbServer::new);
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    protected String kind() {
        return "MariaDB";
    }

    /**
     * The server's Unix socket.
     *
     * @return the socket path inside the server's directory
     */
    public Path socket() {
        return directory().resolve("mysqld.sock");
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
     * A JDBC URL for the MariaDB Connector/J driver, over TCP.
     *
     * @param database the default database, or empty
     * @return e.g. {@code jdbc:mariadb://127.0.0.1:40123/shop}
     */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host() + ":" + port() + "/" + database;
    }

    /**
     * Runs SQL as root with the {@code mariadb} client over the socket (the SQL goes through standard input, so
     * passwords in it never show in a process list). Statements may use {@code DELIMITER}.
     *
     * @param sql one or more statements
     * @return what the client printed (tab-separated, no column names)
     * @throws IllegalStateException if the client fails, with its error
     */
    public String execute(String sql) {
        Path file = null;
        try {
            file = Files.createTempFile(directory(), "sql-", ".sql");
            Files.writeString(file, sql, StandardCharsets.UTF_8);
            return ServerTools.exec(List.of(client().toString(), "--no-defaults", "--socket=" + socket(), "--user=root",
                            "--default-character-set=utf8mb4", "--batch", "--skip-column-names"),
                    Map.of(), file, Duration.ofMinutes(10), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ServerTools.deleteTree(file);
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

    @Override
    protected void prepare(Path dir) throws IOException {
        Path installDb = ServerTools.findTool("mariadb-install-db", List.of(Path.of("/usr/bin"))).orElseThrow(() ->
                new IllegalStateException("mariadb-install-db not found: install the Debian package mariadb-server"));
        Path data = Files.createDirectories(dir.resolve("data"));
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (ServerTools.isRoot()) {
            cmd.add("--user=root");
        }
        Files.writeString(logFile(dir), ServerTools.exec(cmd, Map.of(), null, Duration.ofMinutes(2), false));
    }

    @Override
    protected void launch(Path dir, int port) throws IOException {
        Path mariadbd = ServerTools.findTool("mariadbd", SERVER_DIRS).or(() -> ServerTools.findTool("mysqld", SERVER_DIRS))
                .orElseThrow(() -> new IllegalStateException(
                        "mariadbd not found in " + SERVER_DIRS + " or on PATH: install the Debian package mariadb-server"));
        List<String> cmd = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--socket=" + socket(), "--port=" + port,
                "--bind-address=127.0.0.1", "--pid-file=" + dir.resolve("mysqld.pid"),
                "--log-error=" + logFile(dir), "--skip-log-bin",
                "--innodb-buffer-pool-size=128M", "--innodb-flush-log-at-trx-commit=2",
                "--innodb-doublewrite=0", "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci", "--max-allowed-packet=64M"));
        if (ServerTools.isRoot()) {
            cmd.add("--user=root");
        }
        options().forEach(o -> cmd.add("--" + o.getKey() + "=" + o.getValue()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mysqld.out").toFile()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!p.isAlive()) {
                throw new IOException("mariadbd exited during start (exit " + p.exitValue() + ")");
            }
            if (System.nanoTime() > deadline) {
                kill(p);
                throw new IOException("mariadbd did not accept connections within " + START_TIMEOUT);
            }
            try {
                Thread.sleep(50); // polling a port with a deadline, not waiting for an event
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting mariadbd", e);
            }
        }
        synchronized (this) {
            process = p;
        }
    }

    @Override
    protected synchronized void shutdown(boolean immediate) {
        if (immediate) {
            kill(process);
        } else {
            // SIGTERM is a clean shutdown for mariadbd; wait for it, then force.
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    kill(process);
                }
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    @Override
    protected Path logFile(Path dir) {
        return dir.resolve("error.log");
    }

    private boolean accepts(int port) {
        if (!Files.exists(socket())) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path client() {
        return ServerTools.findTool("mariadb", List.of()).or(() -> ServerTools.findTool("mysql", List.of())).orElseThrow(() ->
                new IllegalStateException("the mariadb client was not found: install the Debian package mariadb-client"));
    }
}
