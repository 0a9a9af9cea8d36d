package org.resilient.api;

/**
 * One progress report: how far a phase of an operation has come.
 *
 * @param phase a short name of what is being done, e.g. {@code "pg_dump"}, {@code "verify"}
 * @param done units done so far
 * @param total units in all, or -1 when unknown
 * @param unit what is counted, e.g. {@code "bytes"}, {@code "files"}, {@code "tables"}
 */
public record Progress(String phase, long done, long total, String unit) {
    /**
     * The phase a transport reports once when a pull has succeeded: {@code done} is how many of the backup's
     * {@code total} bytes it kept from an earlier, interrupted attempt instead of fetching them again. A node shows it
     * in the outcome of its pull step; a transport that does not resume need not report it.
     */
    public static final String PULL_REUSED = "pull-reused";

    /**
     * The fraction done, when the total is known.
     *
     * @return a value between 0 and 1, or -1 when the total is unknown
     */
    public double fraction() {
        return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }
}
