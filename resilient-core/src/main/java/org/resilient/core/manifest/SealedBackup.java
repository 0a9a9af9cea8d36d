package org.resilient.core.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestDigests;
import org.resilient.api.NodeLayout;
import org.resilient.support.fs.AtomicFiles;

/**
 * A backup directory whose MANIFEST and SIGNATURE were written or checked: every file was hashed and found
 * (or made) equal to its manifest entry. Only the manifest's summary is held; the entries stay in the MANIFEST file
 * (a backup may list millions of files).
 *
 * @param directory the backup directory
 * @param manifest the summary of its manifest
 * @param manifestDigest hex SHA-256 of its MANIFEST file
 */
public record SealedBackup(Path directory, ManifestSummary manifest, String manifestDigest) {
    /**
     * The same backup in another directory (after it was published or copied by a rename).
     *
     * @param moved the directory it is in now
     * @return the backup there
     */
    public SealedBackup in(Path moved) {
        return new SealedBackup(moved, manifest, manifestDigest);
    }

    /**
     * Reads the whole manifest, entries included, from the MANIFEST file: memory grows with the number of entries,
     * so only for callers that need the list (e.g. an importer's context, for components with a few files).
     *
     * @return the manifest
     * @throws org.resilient.api.ResilienceException {@code IO_ERROR} if it cannot be read, {@code MANIFEST_INVALID}
     */
    public Manifest readManifest() {
        Path f = NodeLayout.manifest(directory);
        try {
            return ManifestCodec.read(Files.readAllBytes(f));
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", f, e);
        }
    }

    /**
     * The SHA-256 of every data file by its path in the backup directory ({@code data/...}), as checked: what
     * {@link org.resilient.api.StoreRequest#verifiedDigests()} takes, so that the archive need not read an unchanged
     * file a second time. Read from the MANIFEST as they are asked for ({@link ManifestDigests}): never held whole.
     *
     * @return hex digests by path
     */
    public Map<String, String> fileDigests() {
        return new ManifestDigests(NodeLayout.manifest(directory), NodeLayout.DATA + "/");
    }
}
