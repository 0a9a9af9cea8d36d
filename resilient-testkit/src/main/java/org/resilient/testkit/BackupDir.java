package org.resilient.testkit;

import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.Manifest;
import org.resilient.api.NodeLayout;

/**
 * A backup directory ({@link NodeLayout}: {@code MANIFEST}, {@code SIGNATURE}, {@code data/}) whose MANIFEST and
 * SIGNATURE the kit wrote or checked: every file was hashed and found (or made) equal to its manifest entry.
 *
 * @param directory the backup directory
 * @param manifest its manifest
 * @param manifestDigest hex SHA-256 of its MANIFEST file
 */
public record BackupDir(Path directory, Manifest manifest, String manifestDigest) {
    /**
     * The SHA-256 of every data file by its path in the backup directory ({@code data/...}).
     *
     * @return hex digests by path
     */
    public Map<String, String> fileDigests() {
        return manifest.fileDigests();
    }
}
