package org.resilient.api.spi;

import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.StandbyRecovery;

/**
 * Restores backups into a standby and promotes it when it takes over. A failed or cancelled import must
 * leave the standby's previous state whole: restore beside it, check, then swap.
 */
public interface Importer extends AutoCloseable {

    /**
     * Replaces the standby's state by the backup in {@code context.directory()}, which was verified against
     * its manifest (but for the files {@link #mayReadBeforeVerified} accepts: see
     * {@link ImportContext#awaitVerified()}). Must not modify the directory.
     *
     * @param context the backup's data, manifest, progress and cancellation
     * @throws org.resilient.api.ResilienceException if the import fails; the previous state is intact
     */
    void importBackup(ImportContext context);

    /**
     * Whether this importer may read a data file before the node has verified its bytes, because it only loads it
     * beside the standby's state (where nothing uses it), never runs it as commands, and calls
     * {@link ImportContext#awaitVerified()} before the import becomes visible. The node then hashes such files
     * while the importer reads them, instead of reading every byte once before the import and once in it (issue
     * 18); every other file is verified before {@link #importBackup} is called. The default is {@code false}.
     *
     * @param path a data file's path, relative to the backup's data directory, with {@code /} separators
     * @return whether the importer may read it before it is verified
     */
    default boolean mayReadBeforeVerified(String path) {
        return false;
    }

    /**
     * Turns the standby into the live copy (e.g. makes a read-only database writable). Called once, by the
     * node taking over, after its last import finished.
     *
     * @param context the new epoch
     * @throws org.resilient.api.ResilienceException if the standby cannot be promoted
     */
    void promote(RoleChangeContext context);

    /**
     * Makes the component's live copy refuse writes from ordinary clients: called on a node that led and
     * learned that another node leads in a newer epoch, before it is re-seeded as a standby, so that clients
     * still connected to it cannot write data the cluster will lose. Must be idempotent (a node may be told
     * twice) and leave the data in place. A component that supports it declares
     * {@link org.resilient.api.Capability#DEMOTE}.
     *
     * @param context the epoch another node now leads in
     * @throws org.resilient.api.ResilienceException {@code UNSUPPORTED} by default: the component cannot
     *     fence its live copy, and the operator must stop its writers by hand
     */
    default void demote(RoleChangeContext context) {
        throw new ResilienceException(ErrorCode.UNSUPPORTED, getClass().getName()
                + " cannot demote its live copy: stop the clients writing to it by hand; the cluster no longer"
                + " takes backups from it (epoch " + context.epoch() + " has another leader)");
    }

    /**
     * Repairs what an operation cut off in the middle (the node killed, the machine powered off) left in the
     * component's copy, before the node does anything else: called once at every start of a node that holds a copy
     * (an import node or a leader; not a pull-backup node), so that its status is truthful from the start instead
     * of after the next import. Rolls an interrupted import back or forward, removes what the component's tools left
     * (temporary databases, secret files of killed processes). Must be idempotent and cheap when there is nothing to
     * repair; must not import anything.
     *
     * @param context the node's state directory, settings and logger name
     * @return what was found and done; the default finds nothing (a component whose imports leave no trace)
     * @throws org.resilient.api.ResilienceException if the copy cannot be checked or repaired now (e.g. its server
     *     is down): the node reports the interrupted import and the next import repairs it
     */
    default StandbyRecovery recover(OperationContext context) {
        return StandbyRecovery.NOTHING_FOUND;
    }

    /** Releases what the importer holds. The default does nothing. */
    @Override
    default void close() {
    }
}
