package org.resilient.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An import a node is running now: which backup, and since when. The election waits (a bounded time) for a
 * candidate to finish an import before passing it over, because the backup it is importing may be newer than
 * every good import in the cluster.
 *
 * @param backup the backup being imported
 * @param startedAt when the import started
 */
public record ImportInProgress(BackupRef backup, Instant startedAt) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is missing
     */
    public ImportInProgress {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
