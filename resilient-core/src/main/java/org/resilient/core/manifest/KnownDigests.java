package org.resilient.core.manifest;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Digests of files known before a scan (hashed while an exporter wrote them: {@link EarlyDigests}), which the
 * scan uses instead of reading a file again, when the file is as it was when hashed.
 */
@FunctionalInterface
public interface KnownDigests {
    /** Nothing known: every file is hashed. */
    KnownDigests NONE = file -> Optional.empty();

    /**
     * The hex SHA-256 of a file, if it is known and the file has not changed since.
     *
     * @param file the file (as the scan names it)
     * @return its digest, or empty to hash it
     */
    Optional<String> digest(Path file);
}
