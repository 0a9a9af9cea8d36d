package org.resilient.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What to store in an archive: a verified backup directory (its {@code MANIFEST}, {@code SIGNATURE} and
 * {@code data/} tree) and what it is. The archive stores the directory whole, so a restore yields a
 * backup that verifies again with {@code sha256sum -c SIGNATURE}.
 *
 * @param directory the backup directory, read-only for the archive
 * @param backupId the backup's id
 * @param time when the backup was made
 * @param sourceNode the exporting node
 * @param epoch the epoch it was made in
 * @param manifestDigest hex SHA-256 of the MANIFEST file
 */
public record StoreRequest(Path directory, BackupId backupId, Instant time, String sourceNode, Epoch epoch,
                           String manifestDigest) {
    /**
     * Checks the fields.
     *
     * @throws NullPointerException if one is missing
     */
    public StoreRequest {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sourceNode, "sourceNode");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
    }
}
