package org.resilient.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Plans a node's exports: after a success the next one is due when the schedule says, plus a random jitter;
 * after a failure it is tried again after an exponential backoff, but never later than the schedule's next
 * regular time. The plan is recorded ({@link ExportTimes}), so a restart neither skips an overdue export nor
 * repeats a fresh one.
 */
public final class ExportPlanner {
    /** The default jitter is this fraction of the time between two exports... */
    static final double DEFAULT_JITTER_FRACTION = 0.1;
    /** ...and at most this much. */
    static final Duration DEFAULT_JITTER_MAX = Duration.ofMinutes(5);

    private final Schedule schedule;
    private final Duration jitter;
    private final Backoff backoff;
    private final DoubleSupplier random;

    /**
     * Makes a planner.
     *
     * @param schedule when exports are due
     * @param jitter the most an export is delayed at random, or null for the default (10% of the time between
     *     two exports, at most 5 minutes)
     * @param backoff the waits after failed exports
     * @param random a source of numbers in [0, 1)
     */
    public ExportPlanner(Schedule schedule, Duration jitter, Backoff backoff, DoubleSupplier random) {
        this.schedule = schedule;
        this.jitter = jitter == null || !jitter.isNegative() ? jitter : Duration.ZERO;
        this.backoff = backoff;
        this.random = random;
    }

    /** @return the schedule */
    public Schedule schedule() {
        return schedule;
    }

    /**
     * When the next export is due.
     *
     * @param times what was recorded
     * @return the due time; {@link Instant#EPOCH} (long past) when an export is due at once
     */
    public Instant due(ExportTimes times) {
        if (times.nextDue() != null && schedule.describe().equals(times.schedule())) {
            return times.nextDue();
        }
        // Nothing planned, or planned with another schedule (the config changed): plan from the last success.
        return times.lastOk() == null ? Instant.EPOCH : schedule.next(times.lastOk());
    }

    /**
     * The record after a successful export.
     *
     * @param end when it ended
     * @return the new record
     */
    public ExportTimes succeeded(Instant end) {
        Instant next = schedule.next(end);
        Duration most = jitter != null ? jitter : defaultJitter(Duration.between(next, schedule.next(next)));
        Duration delay = Duration.ofNanos((long) (most.toNanos() * random.getAsDouble()));
        return new ExportTimes(end, 0, next.plus(delay), schedule.describe());
    }

    /**
     * The record after a failed export.
     *
     * @param before the record before it
     * @param end when it ended
     * @return the new record, due after the backoff (or at the next regular time, if that is sooner)
     */
    public ExportTimes failed(ExportTimes before, Instant end) {
        int failures = before.failures() + 1;
        Instant retry = end.plus(backoff.delay(failures, random));
        Instant regular = schedule.next(end);
        return new ExportTimes(before.lastOk(), failures, retry.isBefore(regular) ? retry : regular, schedule.describe());
    }

    static Duration defaultJitter(Duration gap) {
        Duration tenth = Duration.ofNanos((long) (gap.toNanos() * DEFAULT_JITTER_FRACTION));
        return tenth.compareTo(DEFAULT_JITTER_MAX) < 0 ? tenth : DEFAULT_JITTER_MAX;
    }
}
