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

    /** Releases what the exporter holds. The default does nothing. */
    @Override
    default void close() {
    }
}
