package org.resilient.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.process.ProcessRunner;

/**
 * Finds the PostgreSQL client tools: the configured directory, then Debian's
 * {@code /usr/lib/postgresql/<major>/bin}, then the {@code PATH}; and refuses a tool older than the server,
 * since pg_dump cannot dump a newer server and pg_restore may not read a newer dump.
 */
final class PgTools {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    /** Versions already asked, by executable, size and modification time (a replaced binary is asked again). */
    private static final Map<String, Integer> VERSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path configured;
    private final Path debianRoot;
    private final List<Path> path;
    private final Map<String, Path> found = new HashMap<>();

    /**
     * Tool discovery with explicit places (tests use it to simulate a machine without the tools).
     *
     * @param configured the configured directory, or null
     * @param debianRoot the directory holding {@code <major>/bin}, normally {@code /usr/lib/postgresql}
     * @param path the directories of the {@code PATH}
     */
    public PgTools(Path configured, Path debianRoot, List<Path> path) {
        this.configured = configured;
        this.debianRoot = debianRoot;
        this.path = List.copyOf(path);
    }

    /**
     * Tool discovery as on this machine.
     *
     * @param configured the configured directory, or null
     * @return the discovery
     */
    public static PgTools system(Path configured) {
        List<Path> path = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":", -1)) {
            if (!d.isEmpty()) {
                path.add(Path.of(d));
            }
        }
        return new PgTools(configured, Path.of("/usr/lib/postgresql"), path);
    }

    /**
     * Finds psql before the server version is known: the newest Debian install wins.
     *
     * @return psql
     * @throws ResilienceException {@code TOOL_MISSING}
     */
    public Path psql() {
        return found.computeIfAbsent("psql", n -> locate(n, newestDebianBin()));
    }

    /**
     * Finds a tool for a server of a given major version, checking that it is not older.
     *
     * @param name e.g. {@code pg_dump}
     * @param serverMajor the server's major version, e.g. 15
     * @return the executable
     * @throws ResilienceException {@code TOOL_MISSING} if it is missing or older than the server
     */
    public Path require(String name, int serverMajor) {
        Path p = found.get(name + "@" + serverMajor);
        if (p != null) {
            return p;
        }
        Path tool = locate(name, debianRoot == null ? null : debianRoot.resolve(Integer.toString(serverMajor)).resolve("bin"));
        int toolMajor = majorOf(tool);
        if (toolMajor < serverMajor) {
            throw new ResilienceException(ErrorCode.TOOL_MISSING, name + " at " + tool + " is version " + toolMajor
                    + ", older than the server (" + serverMajor + "); install postgresql-client-" + serverMajor
                    + " or set postgres.tool-dir to its bin directory");
        }
        found.put(name + "@" + serverMajor, tool);
        return tool;
    }

    private Path locate(String name, Path debianBin) {
        List<Path> dirs = new ArrayList<>();
        if (configured != null) {
            dirs.add(configured);
        }
        if (debianBin != null) {
            dirs.add(debianBin);
        }
        dirs.addAll(path);
        for (Path d : dirs) {
            Path candidate = d.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new ResilienceException(ErrorCode.TOOL_MISSING, name + " not found (looked in " + dirs
                + "): install the Debian package postgresql-client (or the server's version of it) or set "
                + "postgres.tool-dir to the directory holding " + name);
    }

    private Path newestDebianBin() {
        if (debianRoot == null || !Files.isDirectory(debianRoot)) {
            return null;
        }
        try (Stream<Path> s = Files.list(debianRoot)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin")).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The major version a tool reports with {@code --version}.
     *
     * @param tool the executable
     * @return e.g. 15
     * @throws ResilienceException {@code TOOL_MISSING} if it does not run or report a version
     */
    static int majorOf(Path tool) {
        String key;
        try {
            Path real = tool.toRealPath();
            key = real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
            key = null;
        }
        if (key != null && VERSIONS.containsKey(key)) {
            return VERSIONS.get(key);
        }
        int major = askMajor(tool);
        if (key != null) {
            VERSIONS.put(key, major);
        }
        return major;
    }

    private static int askMajor(Path tool) {
        String out;
        try {
            out = ProcessRunner.command(tool.toString(), "--version").timeout(Duration.ofSeconds(30)).run().stdout();
        } catch (ResilienceException e) {
            throw new ResilienceException(ErrorCode.TOOL_MISSING, tool + " --version failed: " + e.getMessage()
                    + "; reinstall postgresql-client or set postgres.tool-dir", e);
        }
        Optional<Integer> major = parseMajor(out);
        return major.orElseThrow(() -> new ResilienceException(ErrorCode.TOOL_MISSING,
                tool + " did not report a PostgreSQL version (said: '" + out.strip()
                        + "'); set postgres.tool-dir to a PostgreSQL bin directory"));
    }

    /**
     * Parses {@code pg_dump (PostgreSQL) 15.4 (Debian ...)}.
     *
     * @param versionOutput the output of {@code --version}
     * @return the major version, if present
     */
    static Optional<Integer> parseMajor(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        if (!m.find()) {
            return Optional.empty();
        }
        // before 10 the major version had two parts (9.6); its first part is still below every newer major
        return Optional.of(Integer.parseInt(m.group(1)));
    }
}
