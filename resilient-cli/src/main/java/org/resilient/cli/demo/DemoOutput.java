package org.resilient.cli.demo;

import java.io.PrintWriter;
import java.util.List;

/** What the demo prints, step by step, and the count of its checks and failures. */
final class DemoOutput {
    private final PrintWriter out;
    private final long start = System.nanoTime();
    private int checks;
    private int failures;

    DemoOutput(PrintWriter out) {
        this.out = out;
    }

    PrintWriter writer() {
        return out;
    }

    void title(String t) {
        out.println();
        out.println("== " + t);
        out.flush();
    }

    void say(String format, Object... args) {
        out.println("  " + String.format(format, args));
        out.flush();
    }

    /** A check: passed when there are no differences (the first ten are printed). */
    void check(String what, List<String> differences) {
        checks++;
        if (differences.isEmpty()) {
            say("check: %-52s OK", what);
        } else {
            failures++;
            say("check: %-52s FAILED", what);
            differences.stream().limit(10).forEach(d -> say("    %s", d));
        }
    }

    /** A failure that ends the demo (a node that died, a step that never came). */
    void fail(String what, String why) {
        failures++;
        say("FAILED: %s: %s", what, why);
    }

    int checks() {
        return checks;
    }

    int failures() {
        return failures;
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
