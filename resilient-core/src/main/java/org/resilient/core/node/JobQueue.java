package org.resilient.core.node;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;

/**
 * The job queue of a receiving node (pull-backup or import), persisted in {@code state/}: serial (one job at
 * a time), coalescing (only the newest pending backup is kept; older ones are superseded), idempotent (a job
 * not newer than the last successful one is skipped, so re-sent announcements are no-ops) and retrying (a
 * failed job stays pending until it succeeds or a newer one supersedes it).
 *
 * <p>"Newer" is decided by the epoch first, then by the leader's sequence number, and only when a sequence is
 * unknown (0) by the backup id: ids hold the leader's clock time, and a new leader whose clock is behind the old
 * one's must not be taken as older.
 */
public final class JobQueue {
    private final Path file;

    /**
     * A job: a backup to handle, where it comes from and in which epoch.
     *
     * @param backupId the backup
     * @param from the URI of the node that announced it
     * @param epoch the announcing node's epoch
     * @param sequence the leader's sequence number of the backup, 0 if unknown
     */
    public record Job(BackupId backupId, URI from, Epoch epoch, long sequence) {

        /**
         * Whether this job's backup comes after another one: by epoch, then sequence (when both are known), then id.
         *
         * @param epoch the other backup's epoch, or null if unknown (then only the ids are compared)
         * @param sequence the other backup's sequence, 0 if unknown
         * @param id the other backup's id
         * @return true if this job is newer
         */
        boolean isNewerThan(Epoch epoch, long sequence, BackupId id) {
            if (epoch != null && !this.epoch.equals(epoch)) {
                return epoch.isOlderThan(this.epoch);
            }
            if (epoch != null && this.sequence > 0 && sequence > 0 && this.sequence != sequence) {
                return this.sequence > sequence;
            }
            return backupId.compareTo(id) > 0;
        }
    }

    /**
     * Opens a queue.
     *
     * @param file its state file
     */
    public JobQueue(Path file) {
        this.file = file;
    }

    /**
     * Offers a job.
     *
     * @param job the job
     * @return true if it is now pending; false if it was a duplicate or superseded
     */
    public synchronized boolean offer(Job job) {
        Map<String, String> m = new HashMap<>(StateFiles.read(file));
        if (m.get("last-ok") != null && !job.isNewerThan(epoch(m, "last-ok-epoch"), sequence(m, "last-ok-sequence"),
                new BackupId(m.get("last-ok")))) {
            return false;
        }
        if (m.get("pending") != null && !job.isNewerThan(epoch(m, "pending-epoch"), sequence(m, "pending-sequence"),
                new BackupId(m.get("pending")))) {
            return false;
        }
        m.put("pending", job.backupId().value());
        m.put("pending-from", job.from().toString());
        m.put("pending-epoch", job.epoch().toString());
        m.put("pending-sequence", Long.toString(job.sequence()));
        StateFiles.write(file, m);
        return true;
    }

    /** @return the pending job, if any */
    public synchronized Optional<Job> pending() {
        Map<String, String> m = StateFiles.read(file);
        if (m.get("pending") == null) {
            return Optional.empty();
        }
        return Optional.of(new Job(new BackupId(m.get("pending")), URI.create(m.get("pending-from")),
                epoch(m, "pending-epoch"), sequence(m, "pending-sequence")));
    }

    /** @return the last backup handled successfully, if any */
    public synchronized Optional<BackupId> lastSuccessful() {
        return Optional.ofNullable(StateFiles.read(file).get("last-ok")).map(BackupId::new);
    }

    /**
     * Marks a job done: it becomes the last successful one and leaves the queue (unless a newer one came).
     *
     * @param job the job
     */
    public synchronized void succeeded(Job job) {
        Map<String, String> m = new HashMap<>(StateFiles.read(file));
        m.put("last-ok", job.backupId().value());
        m.put("last-ok-epoch", job.epoch().toString());
        m.put("last-ok-sequence", Long.toString(job.sequence()));
        if (job.backupId().value().equals(m.get("pending"))) {
            clearPending(m);
        }
        StateFiles.write(file, m);
    }

    /**
     * Drops a pending job that can never succeed (e.g. from a stale epoch).
     *
     * @param job the job
     */
    public synchronized void drop(Job job) {
        Map<String, String> m = new HashMap<>(StateFiles.read(file));
        if (job.backupId().value().equals(m.get("pending"))) {
            clearPending(m);
            StateFiles.write(file, m);
        }
    }

    private static void clearPending(Map<String, String> m) {
        m.remove("pending");
        m.remove("pending-from");
        m.remove("pending-epoch");
        m.remove("pending-sequence");
    }

    private static Epoch epoch(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null ? null : new Epoch(Long.parseLong(v));
    }

    private static long sequence(Map<String, String> m, String key) {
        return Long.parseLong(m.getOrDefault(key, "0"));
    }
}
