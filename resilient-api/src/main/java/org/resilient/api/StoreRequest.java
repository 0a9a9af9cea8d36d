package org.resilient.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What to store in an archive: a verified backup directory (its {@code MANIFEST}, {@code SIGNATURE} and
 * {@code data/} tree) and what it is. The archive stores the directory whole, so a restore yields a
 * backup that verifies again with {@code sha256sum -c SIGNATURE}.
 *
 * <p>A caller that has just checked the files against their manifest passes those SHA-256 digests in
 * {@code verifiedDigests}. An archive may then take a file whose digest equals the one it recorded for the same
 * path in an earlier generation from that generation, without reading it again, and must check every file it
 * does read against its digest (a file changed since it was verified fails the store). The pull-backup node,
 * which verifies every byte before it stores, so reads an unchanged file once instead of twice.
 *
 * @param directory the backup directory, read-only for the archive
 * @param backupId the backup's id
 * @param time when the backup was made
 * @param sourceNode the exporting node
 * @param epoch the epoch it was made in
 * @param manifestDigest hex SHA-256 of the MANIFEST file
 * @param verifiedDigests hex SHA-256 of files the caller verified, by path relative to {@code directory}
 *                        with {@code /} separators (e.g. {@code data/db/orders.sql}); empty when none
 */
public record StoreRequest(Path directory, BackupId backupId, Instant time, String sourceNode, Epoch epoch,
                           String manifestDigest, Map<String, String> verifiedDigests) {
    /**
     * Checks the fields.
     *
     * @throws NullPointerException if one is missing
     * @throws IllegalArgumentException if a digest is not 64 hex digits
     */
    public StoreRequest {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sourceNode, "sourceNode");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        Objects.requireNonNull(verifiedDigests, "verifiedDigests");
        // A MANIFEST's digests stay in its file (millions of files): checked as they are parsed, not copied here.
        if (!(verifiedDigests instanceof ManifestDigests)) {
            verifiedDigests = Map.copyOf(verifiedDigests);
            verifiedDigests.forEach((path, digest) -> {
                if (!digest.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("the digest of " + path + " is not a lower-case hex SHA-256: "
                            + digest);
                }
            });
        }
    }

    /**
     * A request without verified file digests: the archive reads and hashes every file.
     *
     * @param directory the backup directory, read-only for the archive
     * @param backupId the backup's id
     * @param time when the backup was made
     * @param sourceNode the exporting node
     * @param epoch the epoch it was made in
     * @param manifestDigest hex SHA-256 of the MANIFEST file
     */
    public StoreRequest(Path directory, BackupId backupId, Instant time, String sourceNode, Epoch epoch,
                        String manifestDigest) {
        this(directory, backupId, time, sourceNode, epoch, manifestDigest, Map.of());
    }

    /**
     * The same request with the digests of the files the caller verified.
     *
     * @param digests hex SHA-256 by path relative to the directory
     * @return a new request
     */
    public StoreRequest withVerifiedDigests(Map<String, String> digests) {
        return new StoreRequest(directory, backupId, time, sourceNode, epoch, manifestDigest, digests);
    }
}
