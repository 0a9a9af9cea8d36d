package org.resilient.process;

import java.util.List;

/**
 * What a finished process left.
 *
 * @param exitCode the exit status
 * @param stdout the captured standard output (empty when it was redirected to a file)
 * @param stderrTail the last lines of standard error
 */
public record ProcessResult(int exitCode, String stdout, List<String> stderrTail) {
    /** Freezes the tail. */
    public ProcessResult {
        stderrTail = List.copyOf(stderrTail);
    }
}
