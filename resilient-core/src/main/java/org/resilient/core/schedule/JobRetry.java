package org.resilient.core.schedule;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.resilient.api.BackupId;

/**
 * The backoff of a failed job (pull-backup or import), recorded in {@code state/job-retry}: a running node
 * does not run the same failed job again before {@code notBefore}, so a failing import is not re-run on every
 * poll. A newer backup is tried at once; a command run by hand ({@code resilient pull|import}) tries at once too.
 *
 * @param backupId the backup whose job failed
 * @param failures how many times in a row
 * @param notBefore the earliest time of the next try
 */
public record JobRetry(BackupId backupId, int failures, Instant notBefore) {
    /**
     * The record after a failure of a job.
     *
     * @param before the record before it, or null
     * @param backupId the job's backup
     * @param now when it failed
     * @param backoff the waits
     * @param random a source of numbers in [0, 1)
     * @return the new record
     */
    public static JobRetry failed(JobRetry before, BackupId backupId, Instant now, Backoff backoff, DoubleSupplier random) {
        int failures = before != null && before.backupId().equals(backupId) ? before.failures() + 1 : 1;
        return new JobRetry(backupId, failures, now.plus(backoff.delay(failures, random)));
    }

    /**
     * Whether the job of a backup must wait.
     *
     * @param id the pending backup
     * @param now the time
     * @return true if the last try of this very backup failed and its backoff has not passed
     */
    public boolean holdsBack(BackupId id, Instant now) {
        return backupId.equals(id) && now.isBefore(notBefore);
    }

    /** @return the state file's keys */
    public Map<String, String> toMap() {
        Map<String, String> m = new HashMap<>();
        m.put("backup", backupId.value());
        m.put("failures", Integer.toString(failures));
        m.put("not-before", notBefore.toString());
        return m;
    }

    /**
     * Reads the state file's keys.
     *
     * @param m the keys
     * @return the record, or null if none
     */
    public static JobRetry fromMap(Map<String, String> m) {
        if (m.get("backup") == null) {
            return null;
        }
        return new JobRetry(new BackupId(m.get("backup")), Integer.parseInt(m.getOrDefault("failures", "1")),
                Instant.parse(m.get("not-before")));
    }
}
