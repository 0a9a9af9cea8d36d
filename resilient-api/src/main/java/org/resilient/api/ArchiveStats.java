package org.resilient.api;

/**
 * Sizes of an archive as a whole.
 *
 * @param generations the number of generations
 * @param logicalBytes the sum of the logical sizes of all generations
 * @param uniqueBytes bytes of distinct content stored (before compression)
 * @param storedBytes bytes the archive takes on disk
 * @param chunks the number of distinct chunks (or files, for archives that do not chunk)
 */
public record ArchiveStats(int generations, long logicalBytes, long uniqueBytes, long storedBytes, long chunks) {
    /**
     * How many times smaller the archive is than the data it holds.
     *
     * @return logical / stored, or 0 for an empty archive
     */
    public double reduction() {
        return storedBytes == 0 ? 0 : (double) logicalBytes / storedBytes;
    }
}
