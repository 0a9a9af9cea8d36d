package org.example.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.process.ProcessRunner;

/**
 * Runs the git command with {@code resilient-process}'s {@link ProcessRunner}: the data never passes through this
 * JVM (git reads and writes the files itself, only its small output is kept), git's standard error goes to the log
 * line by line, a cancellation kills git and its children, and git dies with this JVM however it ends.
 */
final class Git {
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
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        try {
            // Never ask a terminal for credentials, and ignore a GIT_DIR the node may have been started with.
            return ProcessRunner.command(command).directory(dir).environment("GIT_TERMINAL_PROMPT", "0")
                    .removeEnvironment("GIT_DIR").removeEnvironment("GIT_WORK_TREE").cancellation(cancellation)
                    .run().stdout().strip();
        } catch (ResilienceException e) {
            String hint = e.code() == ErrorCode.TOOL_MISSING ? "; install git or set git.executable to its path" : "";
            throw new ResilienceException(e.code(), what + ": " + e.getMessage() + hint, e);
        }
    }
}
