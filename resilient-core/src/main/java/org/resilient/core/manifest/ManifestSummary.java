package org.resilient.core.manifest;

import java.time.Instant;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.Manifest;

/**
 * What a MANIFEST says about its backup, without its entries: the header and the totals. What a node keeps of a
 * backup it sealed or verified, so that a backup of millions of files is never held as a list.
 *
 * @param backupId the backup
 * @param component the component that exported it
 * @param sourceNode the exporting node
 * @param epoch the epoch it was exported in
 * @param created when the export started
 * @param sequence the exporting leader's sequence number (0 when unknown)
 * @param fileCount the number of regular files
 * @param totalSize the sum of their sizes in bytes
 */
public record ManifestSummary(BackupId backupId, String component, String sourceNode, Epoch epoch, Instant created,
                              long sequence, long fileCount, long totalSize) {
    /**
     * The summary of a manifest held in full.
     *
     * @param m the manifest
     * @return its summary
     */
    public static ManifestSummary of(Manifest m) {
        return of(m, m.fileCount(), m.totalSize());
    }

    /**
     * The summary of a manifest header with totals counted elsewhere.
     *
     * @param header the header (its entries are ignored)
     * @param fileCount the number of files
     * @param totalSize their total size
     * @return the summary
     */
    public static ManifestSummary of(Manifest header, long fileCount, long totalSize) {
        return new ManifestSummary(header.backupId(), header.component(), header.sourceNode(), header.epoch(),
                header.created(), header.sequence(), fileCount, totalSize);
    }
}
