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
 */
public final class JobQueue {
    private final Path file;

    /**
     * A job: a backup to handle, where it comes from and in which epoch.
     *
     * @param backupId the backup
     * @param from the URI of the node that announced it
     * @param epoch the announcing node's epoch
     */
    public record Job(BackupId backupId, URI from, Epoch epoch) {
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
        String lastOk = m.get("last-ok");
        if (lastOk != null && job.backupId().compareTo(new BackupId(lastOk)) <= 0) {
            return false;
        }
        String pending = m.get("pending");
        if (pending != null && job.backupId().compareTo(new BackupId(pending)) <= 0) {
            return false;
        }
        m.put("pending", job.backupId().value());
        m.put("pending-from", job.from().toString());
        m.put("pending-epoch", job.epoch().toString());
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
                new Epoch(Long.parseLong(m.get("pending-epoch")))));
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
        if (job.backupId().value().equals(m.get("pending"))) {
            m.remove("pending");
            m.remove("pending-from");
            m.remove("pending-epoch");
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
            m.remove("pending");
            m.remove("pending-from");
            m.remove("pending-epoch");
            StateFiles.write(file, m);
        }
    }
}
