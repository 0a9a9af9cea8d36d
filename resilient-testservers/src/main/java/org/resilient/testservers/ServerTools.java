package org.resilient.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/** What the throwaway servers share besides their life cycle: processes, ports, tools and files, with the JDK alone. */
final class ServerTools {
    private ServerTools() {
    }

    /**
     * Whether the tests run as root (servers refuse root or need to be told).
     *
     * @return true for root
     */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * A free TCP port on the loopback interface.
     *
     * @return the port
     * @throws IOException if none can be found
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Finds an executable in the given directories first, then on the {@code PATH}.
     *
     * @param name the file name
     * @param directories where to look first
     * @return the executable, if found
     */
    static Optional<Path> findTool(String name, List<Path> directories) {
        List<Path> candidates = new ArrayList<>();
        directories.forEach(d -> candidates.add(d.resolve(name)));
        for (String d : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":", -1)) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, name));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /**
     * Runs a command to its end.
     *
     * @param command the command
     * @param environment variables to add
     * @param stdin a file for standard input, or null
     * @param timeout how long it may take
     * @param allowFailure whether a non-zero exit is returned instead of thrown
     * @return standard output
     * @throws IllegalStateException if it fails (with the end of its standard error) or times out
     */
    static String exec(List<String> command, Map<String, String> environment, Path stdin, Duration timeout,
                                 boolean allowFailure) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("testserver-", ".out");
            err = Files.createTempFile("testserver-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(environment);
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not end within " + timeout);
            }
            if (p.exitValue() != 0 && !allowFailure) {
                throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(2, command.size())))
                        + " failed (exit " + p.exitValue() + "): " + tail(err, 20));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            deleteTree(out);
            deleteTree(err);
        }
    }

    /**
     * The last lines of a text file.
     *
     * @param file the file
     * @param lines how many
     * @return them, or a note that the file cannot be read
     */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Deletes a file or tree (making directories writable first), warning instead of failing.
     *
     * @param path the file or tree, or null
     */
    static void deleteTree(Path path) {
        if (path == null) {
            return;
        }
        try {
            AtomicFiles.deleteTree(path);
        } catch (ResilienceException e) {
            System.getLogger(ServerTools.class.getName()).log(System.Logger.Level.WARNING,
                    "could not remove test server files {0}: {1}", path, e.getMessage());
        }
    }
}
