package org.resilient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.resilient.api.BackupId;

/**
 * The outcome of the last run of one step (export, pull, archive, push, import), kept for status and
 * monitoring: a step is healthy when its last run is OK and recent.
 *
 * @param step the step's name
 * @param ok whether it succeeded
 * @param time when it ended
 * @param backupId the backup it handled, or null
 * @param message what happened (the error message on failure)
 * @param took how long it took
 * @param bytes the size of the backup the step handled (its manifest's total), or 0 if unknown
 */
public record StepOutcome(String step, boolean ok, Instant time, BackupId backupId, String message, Duration took,
                          long bytes) {

    /**
     * An outcome whose size is unknown.
     *
     * @param step the step's name
     * @param ok whether it succeeded
     * @param time when it ended
     * @param backupId the backup it handled, or null
     * @param message what happened
     * @param took how long it took
     */
    public StepOutcome(String step, boolean ok, Instant time, BackupId backupId, String message, Duration took) {
        this(step, ok, time, backupId, message, took, 0);
    }

    /**
     * The state-file form.
     *
     * @return key to value
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new HashMap<>();
        m.put("step", step);
        m.put("ok", Boolean.toString(ok));
        m.put("time", time.toString());
        m.put("backup-id", backupId == null ? null : backupId.value());
        m.put("message", message);
        m.put("took-ms", Long.toString(took.toMillis()));
        m.put("bytes", Long.toString(bytes));
        return m;
    }

    /**
     * Reads the state-file form.
     *
     * @param m key to value
     * @return the value, or null for an empty map
     */
    public static StepOutcome fromMap(Map<String, String> m) {
        if (m.isEmpty()) {
            return null;
        }
        return new StepOutcome(m.get("step"), Boolean.parseBoolean(m.get("ok")), Instant.parse(m.get("time")),
                m.get("backup-id") == null ? null : new BackupId(m.get("backup-id")), m.getOrDefault("message", ""),
                Duration.ofMillis(Long.parseLong(m.getOrDefault("took-ms", "0"))),
                Long.parseLong(m.getOrDefault("bytes", "0")));
    }
}
