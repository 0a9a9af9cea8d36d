package org.resilient.testkit;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a child JVM with a small heap, for tests that show memory does not grow with the amount of
 * work (a JVM cannot measure its own peak heap reliably, but a heap too small for the old way fails outright).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * What a child did.
     *
     * @param exit its exit status
     * @param output its standard output and error
     */
    public record Result(int exit, String output) {
        /**
         * The last line it printed.
         *
         * @return the line, or "" if it printed nothing
         */
        public String lastLine() {
            String trimmed = output.strip();
            return trimmed.substring(trimmed.lastIndexOf('\n') + 1);
        }
    }

    /**
     * The class path of only the jars or class directories holding the given classes: a test class path of dozens of
     * jars costs a small heap their indexes, so the heap would measure the class path rather than the work.
     *
     * @param classes one class of each part needed
     * @return the class path
     */
    public static String classPathOf(Class<?>... classes) {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : classes) {
            try {
                String p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                if (!parts.contains(p)) {
                    parts.add(p);
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    /**
     * Runs {@code main} in a child JVM and waits at most five minutes for it.
     *
     * @param heap the heap option, e.g. {@code -Xmx40m}
     * @param classPath the child's class path ({@link #classPathOf}, or this JVM's)
     * @param log where the child's output goes
     * @param main the class to run
     * @param args its arguments
     * @return what it did
     * @throws IOException if it cannot be started or its output read
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError if it did not end in five minutes (it is killed)
     */
    public static Result run(String heap, String classPath, Path log, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                "-Dslf4j.internal.verbosity=WARN", "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args)
                    + " did not end in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
