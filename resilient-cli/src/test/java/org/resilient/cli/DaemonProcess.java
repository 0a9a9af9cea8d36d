package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code resilient node -c FILE} as a separate OS process, started with the tests' class path; its stdout and
 * stderr go to files beside the config.
 */
final class DaemonProcess implements AutoCloseable {
    final Process process;
    final Path stderr;

    private DaemonProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    static DaemonProcess start(Path config) throws IOException {
        Path err = config.resolveSibling(config.getFileName() + ".stderr");
        Path out = config.resolveSibling(config.getFileName() + ".stdout");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.resilient.cli.Main", "node", "-c", config.toString())
                .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        return new DaemonProcess(p, err);
    }

    /** Polls until the condition holds, failing with the daemon's stderr after the deadline. */
    void await(String what, Duration deadline, BooleanSupplier condition) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0 || !process.isAlive() && !condition.getAsBoolean()) {
                throw new AssertionError("waited in vain for " + what + " (daemon alive: " + process.isAlive()
                        + ")\n--- daemon stderr:\n" + stderrText());
            }
            Thread.sleep(5);
        }
    }

    /** Sends SIGTERM and waits for the exit status. */
    int terminate() throws InterruptedException, IOException {
        process.destroy();
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the daemon did not stop after SIGTERM:\n" + stderrText());
        return process.exitValue();
    }

    String stderrText() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(1, TimeUnit.MINUTES);
        }
    }
}
