package org.resilient.api.spi;

import java.nio.file.Path;
import java.util.List;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;

/**
 * The history of backups kept by a pull-backup node: every stored backup becomes a {@link Generation}
 * that can be restored byte for byte, with file modes, modification times, empty directories and links.
 *
 * <p>Every write is crash-safe (a store killed at any moment leaves the archive valid and older
 * generations intact) and one writer at a time holds the archive's lock.
 */
public interface Archive extends AutoCloseable {

    /**
     * Stores a backup directory as a new generation.
     *
     * @param request the directory and what it is
     * @param context progress and cancellation ({@code context.directory()} is the backup directory)
     * @return the new generation
     * @throws org.resilient.api.ResilienceException {@code LOCKED} if another writer holds the lock,
     *     {@code IO_ERROR} if it cannot be written
     */
    Generation store(StoreRequest request, OperationContext context);

    /**
     * Lists the generations, oldest first by {@link Generation#time()} (the time the backup was made, not
     * the time it was stored: a pull-backup node catching up may store an older backup after a newer one).
     *
     * @return the generations
     */
    List<Generation> generations();

    /**
     * Writes a generation out into {@code target} (which must not exist or be empty), byte for byte.
     *
     * @param generationId the generation
     * @param target the directory to create
     * @param options whether to restore the intact part of a damaged generation
     * @param context progress and cancellation
     * @return the damage met (empty on a clean restore; only non-empty when {@code options.partial()})
     * @throws org.resilient.api.ResilienceException {@code NOT_FOUND} for an unknown generation,
     *     {@code ARCHIVE_CORRUPT} naming the damage when data is damaged and partial restore was not asked
     */
    List<Damage> restore(String generationId, Path target, RestoreOptions options, OperationContext context);

    /**
     * Removes the generations the policy does not keep and gives back the space no kept generation needs.
     *
     * @param policy what to keep
     * @param context progress, cancellation and the clock giving "now"
     * @return what was removed and reclaimed
     */
    PruneResult prune(RetentionPolicy policy, OperationContext context);

    /**
     * Checks the archive.
     *
     * @param level structure only, or every byte
     * @param context progress and cancellation
     * @return the damage found, by generation, file and offset
     */
    VerifyReport verify(VerifyLevel level, OperationContext context);

    /**
     * Repairs the archive from a directory that still has the data: finds every damaged or missing chunk (reading
     * all data), writes again those the directory holds, and marks the generations that stay damaged. Stores that
     * follow never reuse a chunk found damaged, so healing also happens by storing; this heals at once.
     *
     * @param source the directory holding the data, described as for a store (its node guides the chunking)
     * @param context progress and cancellation
     * @return the archive's state after the repair: empty damage if every generation is whole
     * @throws org.resilient.api.ResilienceException {@code UNSUPPORTED} if this archive cannot repair itself,
     *     {@code LOCKED} if another writer holds the lock, {@code IO_ERROR} if it cannot be written
     */
    default VerifyReport repair(StoreRequest source, OperationContext context) {
        throw new org.resilient.api.ResilienceException(org.resilient.api.ErrorCode.UNSUPPORTED, getClass().getName()
                + " cannot repair itself; restore the archive from a copy");
    }

    /**
     * Sizes of the whole archive.
     *
     * @return the stats
     */
    ArchiveStats stats();

    /** Releases the archive (and its lock, if held). */
    @Override
    void close();
}
