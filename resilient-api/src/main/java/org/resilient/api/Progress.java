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
     * The fraction done, when the total is known.
     *
     * @return a value between 0 and 1, or -1 when the total is unknown
     */
    public double fraction() {
        return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }
}
