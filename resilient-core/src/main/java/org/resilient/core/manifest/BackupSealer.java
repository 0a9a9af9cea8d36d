package org.resilient.core.manifest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.Manifest;
import org.resilient.api.ProgressListener;
import org.resilient.api.NodeLayout;

/** Writes the MANIFEST and SIGNATURE of a backup directory whose {@code data/} an exporter just filled. */
public final class BackupSealer {
    private BackupSealer() {
    }

    /**
     * Hashes every file under {@code data/} as it walks the tree in manifest order (reading again only the files
     * whose digest is not known from while they were written, {@link EarlyDigests}), and writes MANIFEST then
     * SIGNATURE, each atomically; memory does not grow with the number of files.
     *
     * @param backupDir the backup directory (holding {@code data/})
     * @param id the backup id
     * @param component the component name
     * @param node the exporting node
     * @param epoch the epoch
     * @param sequence the exporting leader's sequence number of this backup (0 where there is no leader)
     * @param created when the export started
     * @param known digests taken while the exporter wrote (each used only for a file unchanged since), or
     *     {@link KnownDigests#NONE} to hash every file
     * @param progress gets hashing progress
     * @param cancellation checked between files
     * @return the sealed backup
     */
    public static SealedBackup seal(Path backupDir, BackupId id, String component, String node, Epoch epoch,
                                    long sequence, Instant created, KnownDigests known, ProgressListener progress,
                                    Cancellation cancellation) {
        Path data = NodeLayout.data(backupDir);
        Manifest header = new Manifest(id, component, node, epoch, created, List.of(), sequence);
        // Entries are hashed and spilled as the tree is walked: a tree of millions of files is never held.
        try (ManifestWriter writer = new ManifestWriter(backupDir)) {
            TreeScanner.walk(data, true, known, progress, cancellation, writer::add);
            return writer.finish(header);
        }
    }
}
