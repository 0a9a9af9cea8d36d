package org.resilient.core.schedule;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What a node records about its exports in {@code state/schedule}, so that a restarted node knows when the next
 * one is due (an overdue export runs at once, not one interval after the start).
 *
 * @param lastOk the end of the last successful export, or null if none
 * @param failures failed exports since then (0 after a success)
 * @param nextDue when the next export is due, jitter included, or null if never planned
 * @param schedule the {@link Schedule#describe() description} of the schedule {@code nextDue} was planned with
 */
public record ExportTimes(Instant lastOk, int failures, Instant nextDue, String schedule) {
    /** Nothing recorded: a new node, whose first export is due at once. */
    public static final ExportTimes NONE = new ExportTimes(null, 0, null, null);

    /** @return the state file's keys */
    public Map<String, String> toMap() {
        Map<String, String> m = new HashMap<>();
        m.put("last-ok", lastOk == null ? null : lastOk.toString());
        m.put("failures", Integer.toString(failures));
        m.put("next-due", nextDue == null ? null : nextDue.toString());
        m.put("schedule", schedule);
        return m;
    }

    /**
     * Reads the state file's keys.
     *
     * @param m the keys (empty when nothing was recorded)
     * @return the times, {@link #NONE} when nothing was recorded
     */
    public static ExportTimes fromMap(Map<String, String> m) {
        if (m.isEmpty()) {
            return NONE;
        }
        return new ExportTimes(instant(m.get("last-ok")), Integer.parseInt(m.getOrDefault("failures", "0")),
                instant(m.get("next-due")), m.get("schedule"));
    }

    private static Instant instant(String v) {
        return v == null ? null : Instant.parse(v);
    }
}
