package org.example.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Runs the git command as a child process. The data never passes through this JVM: git reads and writes the files
 * itself, and only its (small) output is kept. A cancellation kills git within {@link #POLL_MS} ms.
 */
final class Git {
    /** How often a running git is checked for cancellation. */
    static final long POLL_MS = 20;
    /** The most of git's output kept for a message or a result. */
    private static final int KEEP = 64 * 1024;

    private final String executable;

    Git(String executable) {
        this.executable = executable;
    }

    /**
     * Runs {@code git args...} in {@code dir} and returns its standard output, trimmed.
     *
     * @param dir the working directory
     * @param cancellation stops git when set
     * @param what what is being done, for messages
     * @param args git's arguments
     * @return the standard output
     * @throws ResilienceException {@code TOOL_MISSING} if git cannot be started, {@code CANCELLED}, or
     *     {@code TOOL_FAILED} with git's own message when it exits with another status than 0
     */
    String run(Path dir, Cancellation cancellation, String what, String... args) {
        cancellation.throwIfCancelled(what);
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        // Never ask a terminal for credentials, and ignore a GIT_DIR the node may have been started with.
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().remove("GIT_DIR");
        pb.environment().remove("GIT_WORK_TREE");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.TOOL_MISSING, what + ": cannot run '" + executable + "' (" + e.getMessage()
                    + "); install git or set git.executable to its path");
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        try {
            while (!p.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                if (cancellation.isCancelled()) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                    cancellation.throwIfCancelled(what);
                }
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, what + ": interrupted");
        }
        if (p.exitValue() != 0) {
            throw new ResilienceException(ErrorCode.TOOL_FAILED, what + ": 'git " + String.join(" ", args) + "' exited with "
                    + p.exitValue() + ": " + (err.text().isBlank() ? out.text() : err.text()).strip());
        }
        return out.text().strip();
    }

    /** Reads a stream to its end on its own thread, keeping the first {@link #KEEP} bytes. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (kept) {
                        kept.write(buffer, 0, Math.max(0, Math.min(n, KEEP - kept.size())));
                    }
                }
            } catch (IOException ignored) {
                // The process was killed: what was read is kept.
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
