package org.resilient.testkit;

/**
 * What an archive's test can do beyond the minimum, declared once by overriding
 * {@link ArchiveContract#features()}; tests that need a feature say so with {@link Requires#archive()} and are
 * skipped, naming the feature, for archives that do not declare it.
 */
public enum ArchiveFeature {
    /** The archive lives in its directory on disk (false for archives that only use the path as a name). */
    ON_DISK,
    /**
     * {@link ArchiveContract#damage(java.nio.file.Path, org.resilient.api.Generation)} damages a generation's
     * stored data, so verify, restore and partial restore can be checked against real damage.
     */
    DAMAGE,
    /** {@link ArchiveContract#leaveStaleLock(java.nio.file.Path)} leaves the lock of a writer that crashed. */
    STALE_LOCK
}
