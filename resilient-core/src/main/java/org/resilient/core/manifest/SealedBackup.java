package org.resilient.core.manifest;

import java.nio.file.Path;
import org.resilient.api.Manifest;

/**
 * A backup directory whose MANIFEST and SIGNATURE were written or checked.
 *
 * @param directory the backup directory
 * @param manifest its manifest
 * @param manifestDigest hex SHA-256 of its MANIFEST file
 */
public record SealedBackup(Path directory, Manifest manifest, String manifestDigest) {
}
