package org.resilient.core;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;

/**
 * What an import node holds: its last good import. The election picks the import node whose last good
 * import is the newest backup (the least data lost).
 *
 * @param backupId the backup imported
 * @param backupTime when that backup was made (its manifest's creation time)
 * @param importedAt when the import finished
 * @param manifestDigest hex SHA-256 of the backup's MANIFEST
 * @param epoch the epoch the backup was made in
 * @param sequence the leader's sequence number of the backup (0 when unknown)
 */
public record ImportState(BackupId backupId, Instant backupTime, Instant importedAt, String manifestDigest, Epoch epoch,
                          long sequence) {

    /**
     * The state-file form.
     *
     * @return key to value
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new HashMap<>();
        m.put("backup-id", backupId.value());
        m.put("backup-time", backupTime.toString());
        m.put("imported-at", importedAt.toString());
        m.put("manifest-digest", manifestDigest);
        m.put("epoch", epoch.toString());
        m.put("sequence", Long.toString(sequence));
        return m;
    }

    /**
     * Reads the state-file form.
     *
     * @param m key to value
     * @return the value, or null for an empty map
     */
    public static ImportState fromMap(Map<String, String> m) {
        if (m.isEmpty()) {
            return null;
        }
        return new ImportState(new BackupId(m.get("backup-id")), Instant.parse(m.get("backup-time")),
                Instant.parse(m.get("imported-at")), m.get("manifest-digest"), new Epoch(Long.parseLong(m.get("epoch"))),
                Long.parseLong(m.getOrDefault("sequence", "0")));
    }
}
