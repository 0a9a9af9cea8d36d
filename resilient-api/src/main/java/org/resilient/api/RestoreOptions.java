package org.resilient.api;

/**
 * How to restore a generation.
 *
 * @param partial restore what is intact and skip damaged files (reporting them) instead of refusing
 */
public record RestoreOptions(boolean partial) {
    /** The default: refuse to restore anything from a damaged generation. */
    public static final RestoreOptions DEFAULT = new RestoreOptions(false);
}
