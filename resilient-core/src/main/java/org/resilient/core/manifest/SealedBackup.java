package org.resilient.core.manifest;

import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.Manifest;

/**
 * A backup directory whose MANIFEST and SIGNATURE were written or checked: every file was hashed and found
 * (or made) equal to its manifest entry.
 *
 * @param directory the backup directory
 * @param manifest its manifest
 * @param manifestDigest hex SHA-256 of its MANIFEST file
 */
public record SealedBackup(Path directory, Manifest manifest, String manifestDigest) {
    /**
     * The SHA-256 of every data file by its path in the backup directory ({@code data/...}), as checked: what
     * {@link org.resilient.api.StoreRequest#verifiedDigests()} takes, so that the archive need not read an unchanged
     * file a second time.
     *
     * @return hex digests by path
     */
    public Map<String, String> fileDigests() {
        return manifest.fileDigests();
    }
}
