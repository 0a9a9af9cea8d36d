package org.resilient.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

/** Checks of a config error message that lists several problems. */
final class Problems {
    private Problems() {
    }

    /**
     * Asserts that a message names every one of some problems, listing every one it misses at once (as the
     * loader reports a config's problems).
     *
     * @param message the error message
     * @param problems the texts it must contain
     */
    static void assertNamesEvery(String message, String... problems) {
        List<String> missing = Arrays.stream(problems).filter(p -> !message.contains(p)).toList();
        assertEquals(List.of(), missing, () -> "not named in: " + message);
    }
}
