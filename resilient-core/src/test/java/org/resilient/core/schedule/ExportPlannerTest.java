package org.resilient.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExportPlannerTest {
    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
    private final Backoff backoff = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(30));

    private ExportPlanner planner(Duration jitter, double random) {
        return new ExportPlanner(Schedule.every(Duration.ofMinutes(60)), jitter, backoff, () -> random);
    }

    @Test
    @DisplayName("a node that never exported is due at once")
    void firstExportAtOnce() {
        assertEquals(Instant.EPOCH, planner(null, 0.5).due(ExportTimes.NONE));
    }

    @Test
    @DisplayName("after a success the next export is due one interval later, plus the jitter")
    void afterSuccess() {
        assertEquals(T.plus(Duration.ofMinutes(60)), planner(Duration.ZERO, 0.7).due(planner(Duration.ZERO, 0.7).succeeded(T)));
        ExportPlanner jittered = planner(Duration.ofMinutes(10), 0.5);
        assertEquals(T.plus(Duration.ofMinutes(65)), jittered.due(jittered.succeeded(T)));
        ExportPlanner byDefault = new ExportPlanner(Schedule.every(Duration.ofMinutes(30)), null, backoff, () -> 0.5);
        assertEquals(T.plus(Duration.ofSeconds(30 * 60 + 90)), byDefault.due(byDefault.succeeded(T)),
                "default: a tenth of the interval");
        ExportPlanner hourly = planner(null, 0.5);
        assertEquals(T.plus(Duration.ofSeconds(60 * 60 + 150)), hourly.due(hourly.succeeded(T)), "at most 5 minutes");
        ExportPlanner daily = new ExportPlanner(Schedule.every(Duration.ofDays(1)), null, backoff, () -> 0.5);
        assertEquals(T.plus(Duration.ofDays(1)).plus(Duration.ofSeconds(150)), daily.due(daily.succeeded(T)),
                "default jitter at most 5 minutes");
    }

    @Test
    @DisplayName("failures in a row back off exponentially, never past the next regular time")
    void afterFailures() {
        ExportPlanner p = planner(Duration.ZERO, 0.5);
        ExportTimes ok = p.succeeded(T);
        ExportTimes first = p.failed(ok, T.plus(Duration.ofMinutes(60)));
        assertEquals(T.plus(Duration.ofMinutes(61)), p.due(first));
        ExportTimes second = p.failed(first, T.plus(Duration.ofMinutes(61)));
        assertEquals(T.plus(Duration.ofMinutes(63)), p.due(second));
        assertEquals(2, second.failures());
        assertEquals(T, second.lastOk());
        ExportPlanner hourlyWithLongBackoff = new ExportPlanner(Schedule.every(Duration.ofMinutes(10)), Duration.ZERO,
                backoff, () -> 0.5);
        ExportTimes many = new ExportTimes(T, 9, null, null);
        assertEquals(T.plus(Duration.ofMinutes(10)), hourlyWithLongBackoff.due(hourlyWithLongBackoff.failed(many, T)),
                "the schedule's next time comes before a 30-minute backoff");
        assertEquals(0, p.succeeded(T).failures(), "a success resets the count");
    }

    @Test
    @DisplayName("a plan made with another schedule (the config changed) is made again from the last success")
    void scheduleChanged() {
        ExportTimes planned = planner(Duration.ZERO, 0.5).succeeded(T);
        ExportPlanner cron = new ExportPlanner(Schedule.cron("0 */6 * * *", ZoneOffset.UTC), Duration.ofMinutes(5), backoff,
                () -> 0.5);
        assertEquals(Instant.parse("2026-11-25T12:00:00Z"), cron.due(planned));
    }

    @Test
    @DisplayName("the record survives its state file")
    void roundTrip() {
        ExportTimes t = planner(Duration.ofMinutes(10), 0.3).failed(planner(Duration.ZERO, 0.5).succeeded(T), T);
        assertEquals(t, ExportTimes.fromMap(t.toMap()));
        assertEquals(ExportTimes.NONE, ExportTimes.fromMap(java.util.Map.of()));
    }
}
