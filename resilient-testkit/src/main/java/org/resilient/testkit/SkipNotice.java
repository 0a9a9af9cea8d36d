package org.resilient.testkit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Says on the console why a contract test was skipped. Build tools show a skip's reason only in their reports
 * (Maven Surefire prints "Skipped: 1" and keeps the reason in its XML), and they capture what a test prints; so
 * the line goes to the process's own standard error, which Surefire passes through to the build's console.
 */
final class SkipNotice {
    // The native stream, not System.err: test frameworks replace System.err to capture test output.
    private static final PrintStream NATIVE_ERR =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private SkipNotice() {
    }

    /**
     * Disables a test with a reason and prints both where a person running the build sees them.
     *
     * @param context the test's context
     * @param reason why it is skipped
     * @return the disabled result
     */
    static ConditionEvaluationResult disabled(ExtensionContext context, String reason) {
        NATIVE_ERR.println("[resilient-testkit] SKIPPED " + sentence(context) + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /**
     * Prints why a running test skips itself (an assumption that failed), where a person running the build sees it.
     *
     * @param test the test, as a sentence
     * @param reason why it is skipped
     */
    static void skipping(String test, String reason) {
        NATIVE_ERR.println("[resilient-testkit] SKIPPED " + test + ": " + reason);
    }

    /**
     * Skips the running test unless a condition holds, saying why in the report and on the console.
     *
     * @param condition what the test needs
     * @param test the test, as a sentence
     * @param reason why it is skipped
     */
    static void assumeOrSkip(boolean condition, String test, String reason) {
        if (!condition) {
            skipping(test, reason);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, reason);
        }
    }

    // "Archive contract > A writer > takes over the lock ..." reads as the sentence a failure would.
    private static String sentence(ExtensionContext context) {
        StringBuilder s = new StringBuilder(context.getDisplayName());
        for (var c = context.getParent(); c.isPresent() && c.get().getParent().isPresent(); c = c.get().getParent()) {
            s.insert(0, c.get().getDisplayName() + " > ");
        }
        return s.toString();
    }
}
