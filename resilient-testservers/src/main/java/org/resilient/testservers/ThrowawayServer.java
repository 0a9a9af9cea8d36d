package org.resilient.testservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every throwaway test server shares: a JUnit 5 extension that starts the server in a fresh temporary
 * directory on a free loopback port and removes it afterwards; {@link #option(String, String)} for server
 * settings; root detection; and, when the server fails to start, the tail of its log in the exception.
 *
 * <p>Registered on a static field a server lives for the test class; on an instance field it lives for one
 * test; {@code shared(name)} in a subclass gives one server to every class of the run asking for that name,
 * stopped when the run ends. Without JUnit: {@link #start()} and {@link #close()}. {@link #stop()} then
 * {@link #start()} restarts it on the same data and port, to test what happens while a server is down.
 *
 * @param <S> the concrete server type, returned by {@link #option(String, String)}
 */
public abstract class ThrowawayServer<S extends ThrowawayServer<S>> implements BeforeAllCallback, AfterAllCallback,
        BeforeEachCallback, AfterEachCallback, AutoCloseable {
    private static final Map<String, ThrowawayServer<?>> SHARED = new ConcurrentHashMap<>();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ThrowawayServer.class);
    private static final int LOG_LINES = 40;

    /** The logger of the concrete server class (the JDK's: the module needs nothing but JUnit). */
    protected final System.Logger log = System.getLogger(getClass().getName());
    private final List<Map.Entry<String, String>> options = new ArrayList<>();
    private String sharedName;
    private boolean startedForClass;
    private Path directory;
    private int port;

    /**
     * The one server of a class and name in this run, made by {@code make} the first time.
     *
     * @param type the server class
     * @param name the name tests share it by
     * @param make makes the server
     * @param <T> the server class
     * @return the server
     */
    protected static <T extends ThrowawayServer<T>> T shared(Class<T> type, String name, Supplier<T> make) {
        return type.cast(SHARED.computeIfAbsent(type.getName() + ":" + name, k -> {
            ThrowawayServer<?> s = make.get();
            s.sharedName = k;
            return s;
        }));
    }

    /**
     * Adds a server setting, used from the next start: {@code -c name=value} for PostgreSQL,
     * {@code --name=value} for MariaDB.
     *
     * @param name the setting, e.g. {@code max_connections} or {@code innodb-buffer-pool-size}
     * @param value its value
     * @return this
     */
    public final S option(String name, String value) {
        options.add(Map.entry(name, value));
        return self();
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /**
     * The settings added with {@link #option(String, String)}, in order.
     *
     * @return name and value pairs
     */
    protected final List<Map.Entry<String, String>> options() {
        return List.copyOf(options);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (sharedName != null) {
            // The root context's store closes its resources when the whole run ends. The server stays the one of
            // its name (a test launching a run of its own, e.g. a kit checked against a leaky component, closes
            // the server when that inner run ends): whoever needs it next starts it again.
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(sharedName, k -> {
                start();
                return (AutoCloseable) this;
            });
            synchronized (this) {
                if (!isRunning()) {
                    start();
                }
            }
            return;
        }
        if (!isRunning()) {
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
        if (sharedName == null && directory == null) {
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
     * Starts the server: prepares a fresh data directory the first time, reuses it (and the port) later.
     * Returns once the server accepts connections.
     *
     * @throws IllegalStateException if it cannot start, with the tail of the server's log
     */
    public final synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            if (directory == null) {
                directory = Files.createTempDirectory("resilient-" + kind().toLowerCase(java.util.Locale.ROOT) + "-");
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
                prepare(directory);
            }
        } catch (IOException | RuntimeException e) {
            throw failedToStart("could not prepare", e);
        }
        Exception last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (port == 0 || attempt > 0) {
                    // Most likely the port was taken between probing and binding: try another.
                    port = ServerTools.freePort();
                }
                launch(directory, port);
                log.log(System.Logger.Level.INFO, "{0} test server on 127.0.0.1:{1} (directory {2})", kind(), port,
                        directory);
                return;
            } catch (IOException | RuntimeException e) {
                last = e;
            }
        }
        throw failedToStart("could not start", last);
    }

    private IllegalStateException failedToStart(String what, Exception cause) {
        Path logFile = directory == null ? null : logFile(directory);
        String tail = logFile == null ? "(no log)" : ServerTools.tail(logFile, LOG_LINES);
        String message = what + " the " + kind() + " test server in " + directory + ": " + cause.getMessage()
                + "\n--- last " + LOG_LINES + " lines of " + logFile + " ---\n" + tail;
        // Printed as well: a failure in a static extension may be reported without its message.
        System.err.println(message);
        return new IllegalStateException(message, cause);
    }

    /** Stops the server (a clean shutdown), keeping its data and port for {@link #start()}. */
    public final synchronized void stop() {
        if (isRunning()) {
            shutdown(false);
        }
    }

    /** Stops the server at once and removes its files. */
    @Override
    public final synchronized void close() {
        try {
            if (isRunning()) {
                shutdown(true);
            }
        } finally {
            if (directory != null) {
                ServerTools.deleteTree(directory);
                cleanUp();
                directory = null;
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
     * The TCP port the server listens on (loopback only).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The server's temporary directory.
     *
     * @return the directory, null before the first start and after close
     */
    public Path directory() {
        return directory;
    }

    /**
     * Whether the server is running.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    public abstract boolean isRunning();

    /**
     * The server's name for messages.
     *
     * @return e.g. {@code PostgreSQL}
     */
    protected abstract String kind();

    /**
     * Creates the server's data in its fresh directory (initdb, install-db).
     *
     * @param dir the server's directory
     * @throws IOException if it fails
     */
    protected abstract void prepare(Path dir) throws IOException;

    /**
     * Starts the server process and returns once it accepts connections.
     *
     * @param dir the server's directory
     * @param port the port to listen on
     * @throws IOException if it does not start
     */
    protected abstract void launch(Path dir, int port) throws IOException;

    /**
     * Stops the running server process.
     *
     * @param immediate true to stop at once (the data is about to be deleted), false for a clean shutdown
     */
    protected abstract void shutdown(boolean immediate);

    /**
     * The server's log file, shown when it fails to start.
     *
     * @param dir the server's directory
     * @return the log file
     */
    protected abstract Path logFile(Path dir);

    /** Removes what the server keeps outside its directory (default: nothing). */
    protected void cleanUp() {
    }
}
