package org.resilient.api;

/**
 * What {@link org.resilient.api.spi.Importer#recover} found and did at a node's start: the node compares it with
 * the import it knows was interrupted, so that its status names what the standby really holds.
 */
public enum StandbyRecovery {
    /**
     * No trace of an interrupted operation: the standby is whole. If the node knows an import was interrupted, the
     * standby holds either the last recorded import or the interrupted one (a swap that finished before the node
     * could record it leaves no trace), so the node keeps reporting the import as interrupted until it ran again.
     */
    NOTHING_FOUND,
    /** An interrupted import was undone: the standby holds what it held before that import. */
    ROLLED_BACK,
    /** An interrupted import was finished: the standby holds the backup whose import was interrupted. */
    ROLLED_FORWARD
}
