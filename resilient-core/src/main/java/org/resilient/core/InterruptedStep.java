package org.resilient.core;

import java.time.Instant;
import org.resilient.api.BackupId;

/**
 * A step that started and never ended: its process died (killed, crashed, powered off) in the middle. Until the
 * step runs again (or the node repairs it when it starts), what the node holds may differ from what its state
 * records: an import killed during its swap can leave the standby missing, one killed after the swap leaves the
 * new backup in place while the state still names the old one. The node is unhealthy while one is listed; a
 * started node repairs what it can ({@link ResilientNode#start}) and the step's next run replaces it.
 *
 * @param step the step, e.g. {@code import}
 * @param backupId the backup it was handling, or null
 * @param since when it started
 * @param pid the process that ran it
 */
public record InterruptedStep(String step, BackupId backupId, Instant since, long pid) {

    /** @return one line for people: what was interrupted and what happens next */
    public String describe() {
        return step + (backupId == null ? "" : " of " + backupId) + " started at " + since + " by process " + pid
                + " was interrupted (the process ended without finishing it); until the step runs again, what the node"
                + " holds may differ from what its state records";
    }
}
