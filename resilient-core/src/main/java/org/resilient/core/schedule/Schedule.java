package org.resilient.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** When exports are due: every fixed interval, or at the times of a cron expression. */
public interface Schedule {
    /**
     * The first time the schedule names strictly after an instant.
     *
     * @param after the instant, typically the end of the last export
     * @return the next due time
     */
    Instant next(Instant after);

    /**
     * A stable description, recorded beside the next due time: when it changes (the config changed), the
     * recorded due time is computed again.
     *
     * @return e.g. {@code every PT1H} or {@code cron 0 3 * * * Europe/Berlin}
     */
    String describe();

    /**
     * Every fixed interval.
     *
     * @param interval the time between exports, positive
     * @return the schedule
     * @throws IllegalArgumentException if the interval is not positive
     */
    static Schedule every(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive, not " + interval);
        }
        return new Schedule() {
            @Override
            public Instant next(Instant after) {
                return after.plus(interval);
            }

            @Override
            public String describe() {
                return "every " + interval;
            }
        };
    }

    /**
     * At the times of a 5-field Unix cron expression ({@code minute hour day-of-month month day-of-week}).
     *
     * @param expression e.g. {@code 0 *}{@code /6 * * *}
     * @param zone the time zone the expression is read in
     * @return the schedule
     * @throws IllegalArgumentException naming what is wrong with the expression
     */
    static Schedule cron(String expression, ZoneId zone) {
        return new CronSchedule(expression, zone);
    }

    /**
     * The time between the next two due times after an instant (for a cron schedule, its gap there).
     *
     * @param from the instant
     * @return the gap
     */
    default Duration gapAfter(Instant from) {
        Instant first = next(from);
        return Duration.between(first, next(first));
    }
}
