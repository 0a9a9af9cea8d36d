package org.resilient.api;

/**
 * What a component supports beyond the minimum. Contract tests that need a capability are skipped, with
 * the reason, for components that do not declare it.
 */
public enum Capability {
    /** The importer can promote its standby to a writable live copy. */
    PROMOTE,
    /** The importer can demote a deposed leader's live copy so that ordinary clients can no longer write to it. */
    DEMOTE,
    /** The standby is read-only until promoted. */
    READ_ONLY_STANDBY,
    /** A failed or cancelled import leaves the previous standby state whole. */
    ATOMIC_IMPORT,
    /** Symbolic links are kept as links (file-tree components). */
    SYMLINKS,
    /** POSIX permission bits are kept (file-tree components). */
    FILE_MODES,
    /** Modification times are kept (file-tree components). */
    MODIFICATION_TIMES,
    /** Empty directories are kept (file-tree components). */
    EMPTY_DIRECTORIES
}
