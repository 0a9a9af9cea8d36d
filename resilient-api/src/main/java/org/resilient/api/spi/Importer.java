package org.resilient.api.spi;

import org.resilient.api.ImportContext;
import org.resilient.api.PromoteContext;

/**
 * Restores backups into a standby and promotes it when it takes over. A failed or cancelled import must
 * leave the standby's previous state whole: restore beside it, check, then swap.
 */
public interface Importer extends AutoCloseable {

    /**
     * Replaces the standby's state by the backup in {@code context.directory()}, which was verified against
     * its manifest. Must not modify the directory.
     *
     * @param context the backup's data, manifest, progress and cancellation
     * @throws org.resilient.api.ResilienceException if the import fails; the previous state is intact
     */
    void importBackup(ImportContext context);

    /**
     * Turns the standby into the live copy (e.g. makes a read-only database writable). Called once, by the
     * node taking over, after its last import finished.
     *
     * @param context the new epoch
     * @throws org.resilient.api.ResilienceException if the standby cannot be promoted
     */
    void promote(PromoteContext context);

    /** Releases what the importer holds. The default does nothing. */
    @Override
    default void close() {
    }
}
