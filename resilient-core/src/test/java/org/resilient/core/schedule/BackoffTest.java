package org.resilient.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(30));

    @Test
    @DisplayName("the wait doubles with each failure in a row and stops growing at the maximum")
    void doublesUpToTheMaximum() {
        assertEquals(Duration.ofMinutes(1), backoff.delay(1, () -> 0.5));
        assertEquals(Duration.ofMinutes(2), backoff.delay(2, () -> 0.5));
        assertEquals(Duration.ofMinutes(16), backoff.delay(5, () -> 0.5));
        assertEquals(Duration.ofMinutes(30), backoff.delay(6, () -> 0.5));
        assertEquals(Duration.ofMinutes(30), backoff.delay(1000, () -> 0.5), "no overflow after many failures");
    }

    @Test
    @DisplayName("jitter spreads each wait by up to 20% either way, never beyond the maximum")
    void jitter() {
        assertEquals(Duration.ofSeconds(48), backoff.delay(1, () -> 0.0));
        Duration high = backoff.delay(1, () -> 0.999_999);
        assertTrue(high.compareTo(Duration.ofSeconds(72)) < 0 && high.compareTo(Duration.ofSeconds(71)) > 0, high.toString());
        assertEquals(Duration.ofMinutes(30), backoff.delay(10, () -> 0.999_999), "capped after jitter too");
    }

    @Test
    @DisplayName("a negative or inverted setting is taken as zero or as the first wait")
    void badBounds() {
        assertEquals(Duration.ZERO, new Backoff(Duration.ofSeconds(-5), Duration.ofSeconds(-1)).delay(3, () -> 0.5));
        assertEquals(Duration.ofMinutes(5), new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(1)).delay(4, () -> 0.5));
    }
}
