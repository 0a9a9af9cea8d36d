package org.resilient.process;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one external tool to completion. Standard error is streamed to the log line by line (secrets
 * redacted) and its last lines are kept; a non-zero exit becomes a {@link ResilienceException} with
 * {@link ErrorCode#TOOL_FAILED} carrying them. Cancellation and timeouts kill the whole process tree, and the tool
 * dies with this JVM however it ends, {@code kill -9} included ({@link Watchdog}).
 *
 * <pre>{@code
 * ProcessResult r = ProcessRunner.command(pgDump.toString(), "-Fd", "-f", dir.toString(), "db")
 *         .environment("PGPASSFILE", pgpass.toString())
 *         .cancellation(ctx.cancellation())
 *         .timeout(Duration.ofHours(6))
 *         .run();
 * }</pre>
 */
public final class ProcessRunner {
    private static final Duration POLL = Duration.ofMillis(100);

    private final List<String> command;
    private final Map<String, String> environment = new HashMap<>();
    private final java.util.Set<String> removedEnvironment = new java.util.HashSet<>();
    private final List<String> secrets = new ArrayList<>();
    private Path directory;
    private Path stdoutFile;
    private Path stdinFile;
    private Duration timeout = Duration.ofDays(1);
    private Cancellation cancellation = Cancellation.never();
    private Logger log = LoggerFactory.getLogger(ProcessRunner.class);
    private int tailLines = 20;
    private boolean checkExit = true;
    private long maxCapturedStdout = 16L << 20;

    private ProcessRunner(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = List.copyOf(command);
    }

    /**
     * Starts describing a command.
     *
     * @param command the program and its arguments (never put secrets here: argv is visible to all users)
     * @return a runner to configure
     */
    public static ProcessRunner command(List<String> command) {
        return new ProcessRunner(command);
    }

    /**
     * Starts describing a command.
     *
     * @param command the program and its arguments
     * @return a runner to configure
     */
    public static ProcessRunner command(String... command) {
        return new ProcessRunner(List.of(command));
    }

    /**
     * Sets the working directory.
     *
     * @param directory the directory
     * @return this
     */
    public ProcessRunner directory(Path directory) {
        this.directory = directory;
        return this;
    }

    /**
     * Adds an environment variable (the way to pass secrets, or files holding them).
     *
     * @param name variable name
     * @param value its value
     * @return this
     */
    public ProcessRunner environment(String name, String value) {
        removedEnvironment.remove(name);
        environment.put(name, value);
        return this;
    }

    /**
     * Keeps a variable of this process's environment away from the tool (e.g. a stray {@code PGHOSTADDR}
     * that would redirect a PostgreSQL tool to another server).
     *
     * @param name variable name
     * @return this
     */
    public ProcessRunner removeEnvironment(String name) {
        environment.remove(name);
        removedEnvironment.add(name);
        return this;
    }

    /**
     * Names texts that must never reach the log or an error message.
     *
     * @param values the secrets (nulls and empties ignored)
     * @return this
     */
    public ProcessRunner redact(Collection<String> values) {
        values.stream().filter(v -> v != null && !v.isEmpty()).forEach(secrets::add);
        return this;
    }

    /**
     * Sends standard output to a file instead of capturing it.
     *
     * @param file the file to create or replace
     * @return this
     */
    public ProcessRunner stdoutTo(Path file) {
        this.stdoutFile = file;
        return this;
    }

    /**
     * Feeds standard input from a file.
     *
     * @param file the file
     * @return this
     */
    public ProcessRunner stdinFrom(Path file) {
        this.stdinFile = file;
        return this;
    }

    /**
     * Sets how long the tool may run before its process tree is killed.
     *
     * @param timeout the limit
     * @return this
     */
    public ProcessRunner timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout);
        return this;
    }

    /**
     * Sets the cancellation signal; when it fires the process tree is killed.
     *
     * @param cancellation the signal
     * @return this
     */
    public ProcessRunner cancellation(Cancellation cancellation) {
        this.cancellation = Objects.requireNonNull(cancellation);
        return this;
    }

    /**
     * Sets the logger name stderr lines are logged under.
     *
     * @param loggerName the name
     * @return this
     */
    public ProcessRunner logger(String loggerName) {
        this.log = LoggerFactory.getLogger(loggerName);
        return this;
    }

    /**
     * Sets how many stderr lines are kept for the error message.
     *
     * @param lines the number of lines
     * @return this
     */
    public ProcessRunner tailLines(int lines) {
        this.tailLines = lines;
        return this;
    }

    /**
     * Returns a result for non-zero exits too, instead of throwing.
     *
     * @return this
     */
    public ProcessRunner allowFailure() {
        this.checkExit = false;
        return this;
    }

    /**
     * Runs the command and waits for it.
     *
     * @return the result
     * @throws ResilienceException {@code TOOL_MISSING} if it cannot start, {@code TOOL_FAILED} on a
     *     non-zero exit, {@code CANCELLED} or {@code TIMEOUT} after killing the process tree
     */
    public ProcessResult run() {
        String tool = Path.of(command.get(0)).getFileName().toString();
        cancellation.throwIfCancelled(tool);
        // Under the watchdog the tool dies with this JVM, even after kill -9 (see Watchdog); its standard input is
        // then the watchdog's pipe, which this JVM holds open until the tool ends.
        boolean watched = Watchdog.available();
        ProcessBuilder pb = new ProcessBuilder(watched ? Watchdog.wrap(command, stdinFile) : command);
        pb.environment().keySet().removeAll(removedEnvironment);
        pb.environment().putAll(environment);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        if (stdoutFile != null) {
            pb.redirectOutput(stdoutFile.toFile());
        }
        if (!watched) {
            pb.redirectInput(stdinFile != null ? ProcessBuilder.Redirect.from(stdinFile.toFile())
                    : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.TOOL_MISSING,
                    "cannot start " + command.get(0) + ": " + e.getMessage() + "; check that it is installed and executable");
        }
        log.debug("started {} (pid {})", tool, process.pid());
        Deque<String> tail = new ArrayDeque<>();
        Thread errReader = daemon(tool + "-stderr", () -> readLines(process.getErrorStream(), tool, tail));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread outReader = stdoutFile != null ? null
                : daemon(tool + "-stdout", () -> capture(process.getInputStream(), out));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (cancellation.isCancelled()) {
                    killTree(process);
                    throw new ResilienceException(ErrorCode.CANCELLED, tool + " was cancelled; its processes were killed");
                }
                if (System.nanoTime() - deadline > 0) {
                    killTree(process);
                    errReader.join(2000); // the tool's last words, written before the kill, belong in the message
                    throw new ResilienceException(ErrorCode.TIMEOUT,
                            tool + " did not finish within " + timeout + "; its processes were killed" + tailText(tail));
                }
            }
            errReader.join(5000);
            if (outReader != null) {
                outReader.join(5000);
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, tool + " was interrupted; its processes were killed");
        }
        closeQuietly(process);
        int exit = process.exitValue();
        List<String> tailCopy;
        synchronized (tail) {
            tailCopy = new ArrayList<>(tail);
        }
        if (exit != 0 && checkExit) {
            throw new ResilienceException(ErrorCode.TOOL_FAILED,
                    tool + " failed with exit status " + exit + tailText(tail));
        }
        return new ProcessResult(exit, redact(out.toString(StandardCharsets.UTF_8)), tailCopy);
    }

    /**
     * Kills a process and all its descendants, children first.
     *
     * @param process the process
     */
    public static void killTree(Process process) {
        // Closing the watchdog's pipe makes it kill the tool's whole process group, which also reaches processes
        // that left the tree (re-parented when their parent died first).
        closeQuietly(process);
        // A parent may fork new children while its children are being killed (pg_dump -j starts workers,
        // a shell loop starts the next command): kill what is seen until no new descendant appears, then the
        // parent, then everything seen once more, since children of a dead parent are no longer its
        // descendants.
        java.util.Set<ProcessHandle> seen = new java.util.LinkedHashSet<>();
        for (int round = 0; round < 10; round++) {
            int before = seen.size();
            process.descendants().forEach(seen::add);
            seen.forEach(ProcessHandle::destroyForcibly);
            if (seen.size() == before && round > 0) {
                break;
            }
        }
        process.destroyForcibly();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        seen.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed, or the process is gone: either way the pipe is no longer held
        }
    }

    private String tailText(Deque<String> tail) {
        synchronized (tail) {
            return tail.isEmpty() ? "" : "; last lines of its output:\n  " + String.join("\n  ", tail);
        }
    }

    private void readLines(InputStream in, String tool, Deque<String> tail) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String clean = redact(line);
                log.info("[{}] {}", tool, clean);
                synchronized (tail) {
                    tail.addLast(clean);
                    while (tail.size() > tailLines) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("stderr of {} closed: {}", tool, e.getMessage());
        }
    }

    private void capture(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() < maxCapturedStdout) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            log.debug("stdout closed: {}", e.getMessage());
        }
    }

    private String redact(String text) {
        String s = text;
        for (String secret : secrets) {
            s = ResilienceException.redact(s, secret);
        }
        return s;
    }

    private static Thread daemon(String name, Runnable r) {
        // The tool's output is logged with the caller's MDC (the backup id of the step), so it greps with the step.
        java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
        Thread t = new Thread(() -> {
            if (mdc != null) {
                org.slf4j.MDC.setContextMap(mdc);
            }
            r.run();
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
