package org.resilient.api.spi;

import org.resilient.api.ExportContext;

/**
 * Dumps a component's live data into a directory. The node calls it at most once at a time, then writes
 * the manifest and publishes the directory by an atomic rename; a failed export publishes nothing.
 */
public interface Exporter extends AutoCloseable {

    /**
     * Writes a consistent dump of the live data into {@code context.directory()}, which exists and is
     * empty. Must not write outside it. Checks {@code context.cancellation()} between steps.
     *
     * @param context where to write, the backup id, progress and cancellation
     * @throws org.resilient.api.ResilienceException if the dump fails; the directory is then discarded
     */
    void export(ExportContext context);

    /**
     * Whether this exporter writes each file of its dump from its start to its end, only ever appending (no seek
     * back, no rewrite in place, no extension by truncate or mmap), so that the node may hash each file as it grows,
     * reading behind the writer, and the seal reads only each file's last bytes. A file replaced by a new one (a
     * rename over it) is fine. An exporter that says so wrongly gets backups that the pull-backup node refuses at
     * its verification. The default is {@code false}: each file is hashed once it has been at rest for a second.
     *
     * @return whether every file is only appended to
     */
    default boolean appendsOnly() {
        return false;
    }

    /** Releases what the exporter holds. The default does nothing. */
    @Override
    default void close() {
    }
}
