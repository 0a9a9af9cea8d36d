package org.resilient.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One backup as kept in an {@link org.resilient.api.spi.Archive}: the archive's history is a list of
 * generations, any of which can be restored byte for byte.
 *
 * @param id the archive's id of the generation (unique in the archive, sortable by time)
 * @param backupId the id of the backup stored
 * @param time when the backup was made
 * @param sourceNode the node that exported it
 * @param epoch the epoch it was exported in
 * @param manifestDigest hex SHA-256 of the backup's MANIFEST file
 * @param fileCount the number of regular files
 * @param logicalBytes the total size of the files
 * @param newBytes bytes of content that no earlier generation had (before compression)
 * @param storedBytes bytes this generation added to the archive on disk (after compression)
 */
public record Generation(String id, BackupId backupId, Instant time, String sourceNode, Epoch epoch,
                         String manifestDigest, long fileCount, long logicalBytes, long newBytes, long storedBytes) {
    /**
     * Checks the required fields.
     *
     * @throws NullPointerException if one is missing
     */
    public Generation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sourceNode, "sourceNode");
        Objects.requireNonNull(epoch, "epoch");
    }
}
