package org.resilient.api;

import java.util.List;

/**
 * The result of {@link org.resilient.api.spi.Archive#prune}.
 *
 * @param removed ids of the generations removed
 * @param kept ids of the generations kept
 * @param reclaimedBytes bytes of disk space given back
 */
public record PruneResult(List<String> removed, List<String> kept, long reclaimedBytes) {
    /** Freezes the lists. */
    public PruneResult {
        removed = List.copyOf(removed);
        kept = List.copyOf(kept);
    }
}
