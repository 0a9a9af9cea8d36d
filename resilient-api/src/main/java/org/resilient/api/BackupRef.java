package org.resilient.api;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A backup as the election compares it: its id, the epoch it was exported in, its sequence within that epoch
 * and when it was made. A node publishes its last good import as a {@code BackupRef} (and the backup it is
 * importing); the candidate holding the newest one loses the least data.
 *
 * <p>Newer means: a higher epoch, then (in the same epoch) a higher sequence. The backup id breaks what is
 * left, so the order is total. The time is for people and status pages, never for the order: clocks of
 * different machines disagree, epochs and sequences do not.
 *
 * @param backupId the backup
 * @param epoch the epoch the leader exported it in
 * @param sequence its position among the backups of its epoch (larger is newer), zero or more; e.g. the
 *     exporter's counter, or the backup's creation time in milliseconds when the exporter keeps no counter
 * @param time when the backup was made (its manifest's creation time)
 */
public record BackupRef(BackupId backupId, Epoch epoch, long sequence, Instant time) implements Comparable<BackupRef> {
    private static final Comparator<BackupRef> ORDER = Comparator.comparing(BackupRef::epoch)
            .thenComparingLong(BackupRef::sequence).thenComparing(BackupRef::backupId);

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is missing
     * @throws IllegalArgumentException if the sequence is negative
     */
    public BackupRef {
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(time, "time");
        if (sequence < 0) {
            throw new IllegalArgumentException("backup sequence must be >= 0: " + sequence);
        }
    }

    /**
     * Whether this backup is newer than another (higher epoch, then higher sequence, then backup id).
     *
     * @param other the backup to compare to
     * @return true if strictly newer
     */
    public boolean isNewerThan(BackupRef other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(BackupRef other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return backupId + " (epoch " + epoch + ", sequence " + sequence + ")";
    }
}
