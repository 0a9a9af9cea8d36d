package org.resilient.api;

/**
 * Receives progress reports. Implementations must be fast and thread-safe; they are called from the
 * thread doing the work.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores every report. */
    ProgressListener NONE = p -> { };

    /**
     * Reports progress.
     *
     * @param progress the report
     */
    void progress(Progress progress);

    /**
     * Reports progress of a phase.
     *
     * @param phase what is being done
     * @param done units done
     * @param total units in all, or -1
     * @param unit what is counted
     */
    default void progress(String phase, long done, long total, String unit) {
        progress(new Progress(phase, done, total, unit));
    }
}
