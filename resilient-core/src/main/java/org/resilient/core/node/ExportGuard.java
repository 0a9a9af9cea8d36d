package org.resilient.core.node;

/**
 * What a leader asks before every export and again before announcing one: with a coordinator, whether it
 * still holds the leader lease ({@link org.resilient.api.spi.Lease#mayExport()}). A node without a
 * coordinator has {@link #ALWAYS}: only its role and epoch decide.
 */
@FunctionalInterface
public interface ExportGuard {
    /** No coordinator: the leader may always export. */
    ExportGuard ALWAYS = () -> null;

    /**
     * Why the node may not export (or announce) now.
     *
     * @return null if it may; otherwise the reason, for the error and the log
     */
    String refusal();
}
