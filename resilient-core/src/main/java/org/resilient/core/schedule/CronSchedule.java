package org.resilient.core.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A schedule from a 5-field Unix cron expression, read by cron-utils (which handles the corner cases a
 * hand-made parser gets wrong: day-of-month OR day-of-week, ranges with steps, names, daylight saving time).
 */
final class CronSchedule implements Schedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    CronSchedule(String expression, ZoneId zone) {
        this.expression = expression.trim();
        this.zone = zone;
        try {
            this.times = ExecutionTime.forCron(PARSER.parse(this.expression).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a 5-field cron expression (minute hour "
                    + "day-of-month month day-of-week, e.g. '0 */6 * * *'): " + e.getMessage(), e);
        }
        // An expression that can never fire (e.g. 30 February) would leave a node without exports.
        next(Instant.EPOCH);
    }

    @Override
    public Instant next(Instant after) {
        return times.nextExecution(after.atZone(zone)).map(t -> t.toInstant())
                .orElseThrow(() -> new IllegalArgumentException("cron expression '" + expression + "' never fires"));
    }

    @Override
    public String describe() {
        return "cron " + expression + " " + zone.getId();
    }
}
