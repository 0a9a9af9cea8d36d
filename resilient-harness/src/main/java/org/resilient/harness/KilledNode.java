package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node running in a JVM of its own (a main class of the test's class path, which runs the node through the public
 * API), for tests that kill the whole node with {@code kill -9} at a chosen moment and then check what its start
 * repairs. The child tells where it is by lines on its standard output; its standard error goes to a log file.
 */
public final class KilledNode implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Path log;

    private KilledNode(Process process, Path log) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.log = log;
    }

    /**
     * Starts the child JVM.
     *
     * @param main its main class
     * @param log where its standard error goes
     * @param properties system properties to set in it
     * @param environment variables to add to its environment (secrets go here, never into its arguments)
     * @param args its arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static KilledNode start(Class<?> main, Path log, Map<String, String> properties, Map<String, String> environment,
                                   String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().putAll(environment);
        return new KilledNode(pb.start(), log);
    }

    /**
     * Reads the child's output up to a line that starts with one of the prefixes.
     *
     * @param prefixes what to wait for
     * @return the line
     * @throws IOException if its output cannot be read
     */
    public String awaitLine(String... prefixes) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            for (String p : prefixes) {
                if (line.startsWith(p)) {
                    return line;
                }
            }
        }
        throw new AssertionError("the node ended before it printed " + Arrays.toString(prefixes) + "; its log: "
                + (Files.exists(log) ? Files.readString(log) : "none"));
    }

    /** @return its process, alive until {@link #kill()} */
    public Process process() {
        return process;
    }

    /**
     * Kills the node with SIGKILL and checks that every process it had started (pg_restore, myloader, psql) ends with
     * it (issue 16.19: tools die with their node).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void kill() throws InterruptedException {
        List<ProcessHandle> tools = process.descendants().toList();
        process.destroyForcibly(); // SIGKILL
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the killed node did not end");
        assertEquals(137, process.exitValue(), "the node was not killed by SIGKILL");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (tools.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), tools.stream().filter(ProcessHandle::isAlive).map(p -> p.info().commandLine().orElse("?"))
                .toList(), "tools outlived the killed node");
    }

    /** Kills the child if a test failed before it did. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
