package org.resilient.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final Instant T = Instant.parse("2026-11-25T10:17:00Z");

    @Test
    @DisplayName("an interval schedule is due one interval after the instant")
    void interval() {
        Schedule s = Schedule.every(Duration.ofMinutes(60));
        assertEquals(T.plus(Duration.ofHours(1)), s.next(T));
        assertEquals("every PT1H", s.describe());
        assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ZERO));
    }

    @Test
    @DisplayName("a cron schedule is due at the next time its expression names, strictly after the instant")
    void cron() {
        Schedule s = Schedule.cron("0 */6 * * *", ZoneOffset.UTC);
        assertEquals(Instant.parse("2026-11-25T12:00:00Z"), s.next(T));
        assertEquals(Instant.parse("2026-11-25T18:00:00Z"), s.next(Instant.parse("2026-11-25T12:00:00Z")));
        assertEquals(Duration.ofHours(6), s.gapAfter(T));
        Schedule weekdays = Schedule.cron("30 2 * * mon-fri", ZoneOffset.UTC);
        assertEquals(Instant.parse("2026-11-30T02:30:00Z"), weekdays.next(Instant.parse("2026-11-27T03:00:00Z")),
                "Friday after its run: next is Monday");
    }

    @Test
    @DisplayName("a cron expression is read in its time zone")
    void zone() {
        Schedule berlin = Schedule.cron("0 3 * * *", ZoneId.of("Europe/Berlin"));
        assertEquals(Instant.parse("2026-11-26T02:00:00Z"), berlin.next(T), "03:00 in Berlin is 02:00 UTC in winter");
        assertEquals(Instant.parse("2026-07-02T01:00:00Z"), berlin.next(Instant.parse("2026-07-01T12:00:00Z")), "and 01:00 in summer");
    }

    @Test
    @DisplayName("a malformed or impossible cron expression is refused with a message that shows the form")
    void badCron() {
        for (String bad : new String[] {"banana", "0 25 * * *", "* * * *", "0 0 30 2 *"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.cron(bad, ZoneOffset.UTC), bad);
            assertTrue(e.getMessage().contains(bad) , e.getMessage());
        }
    }
}
